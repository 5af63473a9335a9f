import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { extractToken } from '../http/access-token';
import { graphErrors, GraphError } from '../http/graph-error';
import { param } from '../http/request-params';
import type { SandboxState } from '../state/sandbox-state';
import { renderConsentPage, renderErrorPage } from './consent-page';
import {
  appAccessToken,
  CODE_TTL_MS,
  dataAccessExpiry,
  expiryInstant,
  LONG_LIVED_SECONDS,
  mintToken,
  normaliseScopes,
  SHORT_LIVED_SECONDS,
  splitScopes,
  targetIdsFor,
  tokenStatus,
} from './token-service';

const redirectWith = (redirectUri: string, params: Record<string, string | undefined>): string => {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
};

const isAbsoluteUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Facebook Login dialog, code exchange, long-lived exchange and debug_token (REFERENCE §1). */
export const createOauthRouter = (state: SandboxState): Router => {
  const router = Router();

  router.get('/dialog/oauth', (req: Request, res: Response) => {
    const clientId = param(req, 'client_id');
    const redirectUri = param(req, 'redirect_uri');
    const responseType = param(req, 'response_type') ?? 'code';
    if (clientId !== state.options.appId) {
      res
        .status(400)
        .type('html')
        .send(renderErrorPage('Invalid App ID', 'The provided app ID does not look like a valid app ID.'));
      return;
    }
    if (!redirectUri || !isAbsoluteUrl(redirectUri)) {
      res
        .status(400)
        .type('html')
        .send(
          renderErrorPage(
            'URL blocked',
            'This redirect failed because the redirect URI is missing or not absolute.',
          ),
        );
      return;
    }
    if (!responseType.split(/[\s,]+/).includes('code')) {
      res
        .status(400)
        .type('html')
        .send(renderErrorPage('Unsupported response_type', 'The sandbox supports response_type=code only.'));
      return;
    }
    const scopes = normaliseScopes(param(req, 'config_id') ? undefined : splitScopes(param(req, 'scope')));
    const txn = {
      id: randomBytes(12).toString('hex'),
      clientId,
      redirectUri,
      state: param(req, 'state'),
      scopes,
      createdAt: state.now(),
    };
    state.consents.set(txn.id, txn);
    const decision = (value: string): string =>
      `${req.baseUrl}/dialog/oauth/decision?txn=${txn.id}&decision=${value}`;
    res
      .status(200)
      .type('html')
      .send(
        renderConsentPage({
          appName: state.dataset.app.name,
          userName: state.dataset.user.name,
          scopes,
          continueUrl: decision('continue'),
          cancelUrl: decision('cancel'),
        }),
      );
  });

  router.get('/dialog/oauth/decision', (req: Request, res: Response) => {
    const txn = state.consents.get(param(req, 'txn') ?? '');
    if (!txn) {
      res
        .status(400)
        .type('html')
        .send(renderErrorPage('Session expired', 'This login request is no longer valid. Start again.'));
      return;
    }
    state.consents.delete(txn.id);
    if (param(req, 'decision') !== 'continue') {
      res.redirect(
        302,
        redirectWith(txn.redirectUri, {
          error: 'access_denied',
          error_code: '200',
          error_description: 'Permissions error',
          error_reason: 'user_denied',
          state: txn.state,
        }),
      );
      return;
    }
    const code = `AQ${randomBytes(48).toString('base64url')}`;
    state.codes.set(code, {
      code,
      clientId: txn.clientId,
      redirectUri: txn.redirectUri,
      scopes: txn.scopes,
      createdAt: state.now(),
      used: false,
    });
    res.redirect(302, redirectWith(txn.redirectUri, { code, state: txn.state }));
  });

  const accessToken = (req: Request, res: Response): void => {
    const clientId = param(req, 'client_id');
    const clientSecret = param(req, 'client_secret');
    const grantType = param(req, 'grant_type');
    if (clientId !== state.options.appId) {
      throw new GraphError({ message: 'Error validating application. Invalid application ID.', code: 101 });
    }
    if (clientSecret !== state.options.appSecret) {
      throw new GraphError({ message: 'Error validating client secret.', code: 1 });
    }
    if (grantType === 'client_credentials') {
      res.json({ access_token: appAccessToken(state), token_type: 'bearer' });
      return;
    }
    if (grantType === 'fb_exchange_token') {
      const existing = state.tokens.get(param(req, 'fb_exchange_token') ?? '');
      if (!existing) throw graphErrors.malformedToken();
      const status = tokenStatus(state, existing);
      if (status === 'revoked') throw graphErrors.revokedToken();
      if (status === 'expired') throw graphErrors.expiredToken(expiryInstant(existing));
      const long = mintToken(state, {
        scopes: existing.scopes,
        lifetimeSeconds: LONG_LIVED_SECONDS,
        longLived: true,
      });
      res.json({ access_token: long.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS });
      return;
    }
    const code = param(req, 'code');
    if (!code) throw graphErrors.invalidParameter('Missing authorization code');
    const record = state.codes.get(code);
    if (!record) throw new GraphError({ message: 'Invalid verification code format.', code: 100 });
    if (record.used)
      throw new GraphError({ message: 'This authorization code has been used.', code: 100, subcode: 36009 });
    if (state.now() - record.createdAt > CODE_TTL_MS) {
      throw new GraphError({ message: 'This authorization code has expired.', code: 100, subcode: 36007 });
    }
    if (param(req, 'redirect_uri') !== record.redirectUri) {
      throw new GraphError({
        message:
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        code: 100,
        subcode: 36008,
      });
    }
    record.used = true;
    const short = mintToken(state, {
      scopes: record.scopes,
      lifetimeSeconds: SHORT_LIVED_SECONDS,
      longLived: false,
    });
    res.json({ access_token: short.token, token_type: 'bearer', expires_in: SHORT_LIVED_SECONDS });
  };
  router.get('/oauth/access_token', accessToken);
  router.post('/oauth/access_token', accessToken);

  router.get('/debug_token', (req: Request, res: Response) => {
    const caller = extractToken(req);
    const callerRecord = caller ? state.tokens.get(caller) : undefined;
    const callerValid =
      caller === appAccessToken(state) ||
      (callerRecord !== undefined && tokenStatus(state, callerRecord) === 'valid');
    if (!caller) throw graphErrors.tokenRequired();
    if (!callerValid) throw graphErrors.malformedToken();
    const input = param(req, 'input_token');
    if (!input) throw graphErrors.invalidParameter('The parameter input_token is required');
    const record = state.tokens.get(input);
    if (!record) {
      res.json({
        data: {
          error: {
            code: 190,
            message: 'Invalid OAuth access token - Cannot parse access token',
            subcode: 463,
          },
          is_valid: false,
          scopes: [],
        },
      });
      return;
    }
    const status = tokenStatus(state, record);
    const seconds = (ms: number): number => Math.floor(ms / 1000);
    const data: Record<string, unknown> = {
      app_id: record.appId,
      type: record.kind,
      application: state.dataset.app.name,
      data_access_expires_at: seconds(dataAccessExpiry(record)),
      expires_at: record.expiresAt === null ? 0 : seconds(record.forcedExpiredAt ?? record.expiresAt),
      is_valid: status === 'valid',
      issued_at: seconds(record.issuedAt),
      ...(record.profileId ? { profile_id: record.profileId } : {}),
      scopes: record.scopes,
      granular_scopes: record.scopes.map((scope) => {
        const targets = targetIdsFor(state, scope);
        return targets ? { scope, target_ids: targets } : { scope };
      }),
      user_id: record.userId,
    };
    if (status === 'expired') {
      data.error = {
        code: 190,
        message: `Error validating access token: Session has expired on ${expiryInstant(record).toUTCString()}.`,
        subcode: 463,
      };
    }
    if (status === 'revoked') {
      data.error = {
        code: 190,
        message: 'Error validating access token: The user has not authorized application.',
        subcode: 458,
      };
    }
    res.json({ data });
  });

  return router;
};
