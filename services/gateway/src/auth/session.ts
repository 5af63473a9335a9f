import type { Request } from 'express';
import type { Role } from '@crm/contracts';

/** Name of the httpOnly cookie that carries the session JWT. */
export const SESSION_COOKIE = 'crm_session';

/** Who is calling: taken from the verified session cookie only, never from the request body or headers. */
export type SessionContext = { userId: string; tenantId: string; role: Role; sessionId: string };

/** Claims of the session JWT; `sid` is the server-side session (`crm.sessions`) checked on every request. */
export type SessionClaims = { sub: string; tid: string; role: Role; sid: string };

/** The request once the session guard has verified the cookie. */
export type SessionRequest = Request & { crmSession?: SessionContext };
