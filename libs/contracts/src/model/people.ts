import type { Role } from '../tenancy';

/** ISO 4217 codes a tenant may keep its books in (Latin America, North America, Europe). */
export const CURRENCIES = [
  'MXN',
  'USD',
  'CAD',
  'EUR',
  'GBP',
  'COP',
  'ARS',
  'CLP',
  'PEN',
  'BRL',
  'UYU',
  'PYG',
  'BOB',
  'GTQ',
  'CRC',
  'DOP',
  'HNL',
  'NIO',
  'PAB',
] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Languages of the UI (and of the tenant's defaults). */
export const LOCALES = ['es-MX', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

/** What a tenant created by sign-up gets when the form leaves a setting out. */
export const DEFAULT_TENANT_SETTINGS = {
  timezone: 'America/Mexico_City',
  currency: 'MXN',
  locale: 'es-MX',
} as const satisfies { timezone: string; currency: Currency; locale: Locale };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
/** At least one letter (any alphabet) and one digit. */
export const PASSWORD_PATTERN = /^(?=.*\p{L})(?=.*\p{Nd})/u;

/**
 * Why a password is too weak for this login email, or `null` when it is strong enough: at least 10 characters,
 * letters and digits, and not containing the email's local part (compared case-insensitively, when that part has
 * 3 characters or more).
 */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  }
  if (!PASSWORD_PATTERN.test(password)) return 'password must contain letters and digits';
  const local = email.trim().toLowerCase().split('@')[0] ?? '';
  if (local.length >= 3 && password.toLowerCase().includes(local)) {
    return 'password must not contain the part of the email before the @';
  }
  return null;
}

/** A user of the tenant as the ceo manages it. Never carries the password hash. */
export type UserView = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: string;
  /** E.164 (`normalizePhone`), or null when none was given. */
  phone: string | null;
};

/**
 * What the gateway checks a session against (at most a few seconds old): the user's current role and state, and
 * whether the server-side session is still live (not revoked, not expired).
 */
export type UserAccess = { active: boolean; role: Role; sessionLive: boolean };

/**
 * A committed change to what `UserAccess` answers for a user's sessions (`crm.access_changes`): a role, deactivation,
 * password or revocation. Both ids null: every user of every tenant (a tenant was deleted). `seq` is a bigint as text.
 */
export type AccessChange = { seq: string; tenantId: string | null; userId: string | null };

/** A server-side session just created: its id goes into the JWT (`sid`). */
export type CreatedSession = { sessionId: string; expiresAt: string };

/**
 * One of a user's live sessions: when it began, when it was last used (to the minute; null before its first check),
 * when it ends, and the browser's User-Agent as sent at sign-in (truncated to 200 characters).
 */
export type SessionView = {
  id: string;
  createdAt: string;
  lastSeenAt: string | null;
  expiresAt: string;
  userAgent: string | null;
};

/** `GET /crm/auth/sessions`: the caller's live sessions, the one of this request marked `current`. */
export type ActiveSession = SessionView & { current: boolean };

/** How many sessions a revocation ended. */
export type RevokedSessions = { revoked: number };

/** An amount in one currency (sums are never mixed across currencies). */
export type MoneyAmount = { currency: string; amount: number };

/** One seller of the sellers overview; amounts of leads assigned to them, per currency, largest first. */
export type SellerOverview = {
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** Assigned leads not closed (status other than cerrado_ganado / cerrado_perdido). */
  openLeads: number;
  /** Sum of the pending opportunities' value of their leads. */
  openPipeline: MoneyAmount[];
  /** Sum of the completed sales of their leads. */
  wonRevenue: MoneyAmount[];
};

/** Roles that sell, listed by the sellers overview. */
export const SELLER_ROLES = ['setter', 'closer', 'ceo'] as const satisfies readonly Role[];
