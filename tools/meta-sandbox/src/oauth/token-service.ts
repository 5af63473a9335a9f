import { createHmac, randomBytes } from 'node:crypto';
import type { SandboxState, TokenKind, TokenRecord } from '../state/sandbox-state';

export const SHORT_LIVED_SECONDS = 7200;
export const LONG_LIVED_SECONDS = 5_183_944;
export const CODE_TTL_MS = 10 * 60 * 1000;
export const DATA_ACCESS_DAYS = 90;

/** Every permission this CRM asks for (REFERENCE §1.2); granted when the dialog uses `config_id`. */
export const ALL_SCOPES = [
  'business_management',
  'ads_read',
  'ads_management',
  'leads_retrieval',
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_metadata',
  'pages_manage_ads',
  'whatsapp_business_management',
  'whatsapp_business_messaging',
];

const AUTO_GRANTED = ['email', 'public_profile'];

/** Requested scopes (comma or space separated) plus the auto-granted `email`, `public_profile`. */
export const normaliseScopes = (requested: string[] | undefined): string[] => {
  const set = new Set<string>([...(requested ?? ALL_SCOPES), ...AUTO_GRANTED]);
  return [...set];
};

export const splitScopes = (raw: string | undefined): string[] | undefined =>
  raw === undefined || raw.trim() === '' ? undefined : raw.split(/[\s,]+/).filter(Boolean);

export type MintRequest = {
  scopes: string[];
  lifetimeSeconds: number | null;
  longLived: boolean;
  kind?: TokenKind;
  profileId?: string;
};

export const mintToken = (state: SandboxState, request: MintRequest): TokenRecord => {
  const now = state.now();
  const record: TokenRecord = {
    token: `EAA${randomBytes(4).toString('hex').toUpperCase()}${randomBytes(48).toString('base64url')}`,
    kind: request.kind ?? 'USER',
    appId: state.options.appId,
    userId: state.dataset.user.id,
    profileId: request.profileId,
    scopes: [...request.scopes],
    issuedAt: now,
    expiresAt: request.lifetimeSeconds === null ? null : now + request.lifetimeSeconds * 1000,
    longLived: request.longLived,
    revoked: false,
  };
  state.tokens.set(record.token, record);
  return record;
};

export type TokenStatus = 'valid' | 'expired' | 'revoked';

export const tokenStatus = (state: SandboxState, record: TokenRecord): TokenStatus => {
  if (record.revoked) return 'revoked';
  if (record.forcedExpiredAt !== undefined) return 'expired';
  if (record.expiresAt !== null && state.now() >= record.expiresAt) return 'expired';
  return 'valid';
};

/** When the token's data access ends (Meta: 90 days after the user last granted it, unless the control API set it). */
export const dataAccessExpiry = (record: TokenRecord): number =>
  record.dataAccessExpiresAt ?? record.issuedAt + DATA_ACCESS_DAYS * 86_400_000;

/** When the token stopped (or will stop) being valid. */
export const expiryInstant = (record: TokenRecord): Date =>
  new Date(record.forcedExpiredAt ?? record.expiresAt ?? Date.now());

export const appAccessToken = (state: SandboxState): string =>
  `${state.options.appId}|${state.options.appSecret}`;

export const appSecretProof = (token: string, secret: string): string =>
  createHmac('sha256', secret).update(token).digest('hex');

/** Asset ids a scope applies to, as `granular_scopes[].target_ids` shows them. */
export const targetIdsFor = (state: SandboxState, scope: string): string[] | undefined => {
  const { dataset } = state;
  const main = dataset.businesses[0];
  if (scope === 'business_management') return [main.id];
  if (scope === 'ads_read' || scope === 'ads_management')
    return dataset.adAccounts.filter((a) => a.ownerBusinessId === main.id).map((a) => a.accountId);
  if (scope.startsWith('whatsapp_')) return dataset.wabas.map((w) => w.id);
  if (scope.startsWith('pages_') || scope === 'leads_retrieval') return dataset.pages.map((p) => p.id);
  return undefined;
};
