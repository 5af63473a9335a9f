import type { Request } from 'express';
import { appSecretProof, expiryInstant, tokenStatus } from '../oauth/token-service';
import type { SandboxState, TokenRecord } from '../state/sandbox-state';
import { graphErrors } from './graph-error';
import { param } from './request-params';

/** `access_token` from query / form / JSON body, else `Authorization: Bearer …`. */
export const extractToken = (req: Request): string | undefined => {
  const fromParams = param(req, 'access_token');
  if (fromParams) return fromParams;
  const header = req.get('authorization');
  const match = header ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim()) : null;
  return match ? match[1].trim() : undefined;
};

/** Resolve and validate the request's user/page token (190 when unknown, expired or revoked). */
export const authenticate = (
  state: SandboxState,
  req: Request,
  raw: string | undefined = extractToken(req),
): TokenRecord => {
  if (!raw) throw graphErrors.tokenRequired();
  const record = state.tokens.get(raw);
  if (!record) throw graphErrors.malformedToken();
  const status = tokenStatus(state, record);
  if (status === 'revoked') throw graphErrors.revokedToken();
  if (status === 'expired') throw graphErrors.expiredToken(expiryInstant(record));
  const proof = param(req, 'appsecret_proof');
  if (proof !== undefined && proof !== appSecretProof(raw, state.options.appSecret)) {
    throw graphErrors.invalidParameter('Invalid appsecret_proof provided in the API argument');
  }
  return record;
};

/** Throw `(#200) Requires … permission` unless the token has one of `anyOf`. */
export const requireScope = (token: TokenRecord, ...anyOf: string[]): void => {
  if (!anyOf.some((scope) => token.scopes.includes(scope))) throw graphErrors.permission(anyOf);
};

export const hasScope = (token: TokenRecord, scope: string): boolean => token.scopes.includes(scope);
