import {
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayHttpError } from './http-error';

export const CROSS_SITE_ALLOWED = 'crm:cross-site-allowed';

/**
 * A state-changing route that is not called by our browser app and proves itself otherwise (Meta's signed
 * webhooks). Everything else is same-origin only.
 */
export const CrossSiteAllowed = (): MethodDecorator & ClassDecorator => SetMetadata(CROSS_SITE_ALLOWED, true);

export const ACCEPTED_BODY_TYPE = 'crm:accepted-body-type';

/**
 * A same-origin route that takes non-JSON body types besides JSON (the CSV upload of leads: `text/csv`; a template's
 * media sample: its image, video or PDF type). Only the media type check is widened; `Origin` and `Sec-Fetch-Site`
 * are checked as for any route, and a request with neither header must still be JSON (a page on another site can
 * send `text/csv` without a preflight only with them).
 */
export const AcceptsBodyType = (...mediaTypes: string[]): MethodDecorator =>
  SetMetadata(
    ACCEPTED_BODY_TYPE,
    mediaTypes.map((type) => type.toLowerCase()),
  );

/** Methods that change nothing, so a cross-site request to them is harmless (GET routes must stay so). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `Sec-Fetch-Site` values a browser sends with requests we accept. `same-site` (another origin on the same
 * registrable domain: a sibling subdomain, or another port of the same host such as the Meta sandbox) is refused:
 * SameSite=Lax cookies travel with same-site requests, so only an exact same-origin initiator is ours.
 * `none` is a user-initiated request (address bar, bookmark), which no page can forge.
 */
const ACCEPTED_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

export type CrossSiteRefusal = { status: 403 | 415; message: string };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The media type of a Content-Type header, lower-cased, without parameters (`application/json; charset=utf-8`). */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length'] ?? 0);
  return Number.isNaN(length) || length > 0;
}

/** A header value safe to repeat in an error message. */
function shown(value: string): string {
  return JSON.stringify(value.slice(0, 100).replace(/[^\x20-\x7e]/g, '?'));
}

/**
 * Why a state-changing request must be refused, or `undefined` to let it through.
 *
 * 1. Media type: only `application/json` bodies (a bodiless POST may have no Content-Type). Forms and `text/plain`
 *    are the bodies a page on another site can send without a CORS preflight, so they are always 415.
 * 2. Provenance: `Sec-Fetch-Site` must be `same-origin` or `none`; `Origin`, when present, must be the origin of
 *    `PUBLIC_URL` (`null` — sandboxed frames, some redirects — is refused). A request with neither header (curl,
 *    server-to-server, old browsers) must be JSON: a browser cannot send that cross-site without a preflight we never
 *    answer.
 */
export function crossSiteRefusal(
  request: { method: string; headers: IncomingHttpHeaders },
  publicOrigin: string,
  alsoAccepted: string | readonly string[] = [],
): CrossSiteRefusal | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const others: readonly string[] = typeof alsoAccepted === 'string' ? [alsoAccepted] : alsoAccepted;
  const contentType = header(request.headers, 'content-type');
  const isJson = contentType !== undefined && mediaType(contentType) === 'application/json';
  const isAlsoAccepted = contentType !== undefined && others.includes(mediaType(contentType));
  if (contentType !== undefined && !isJson && !isAlsoAccepted) {
    const accepted = others.length > 0 ? `application/json or ${others.join(', ')}` : 'application/json';
    return {
      status: 415,
      message: `Content-Type ${shown(mediaType(contentType))} is not accepted: send ${accepted}`,
    };
  }
  if (contentType === undefined && hasBody(request.headers)) {
    return { status: 415, message: 'a request body needs Content-Type: application/json' };
  }

  const fetchSite = header(request.headers, 'sec-fetch-site');
  const origin = header(request.headers, 'origin');
  if (fetchSite !== undefined && !ACCEPTED_FETCH_SITES.has(fetchSite.trim().toLowerCase())) {
    return { status: 403, message: `cross-site request refused (Sec-Fetch-Site: ${shown(fetchSite)})` };
  }
  if (origin !== undefined && origin.trim().toLowerCase() !== publicOrigin) {
    return {
      status: 403,
      message: `cross-site request refused: Origin ${shown(origin)} is not this site (${publicOrigin})`,
    };
  }
  if (fetchSite === undefined && origin === undefined && !isJson) {
    return {
      status: 403,
      message: 'a request without Origin or Sec-Fetch-Site must send Content-Type: application/json',
    };
  }
  return undefined;
}

/**
 * Global guard against cross-site request forgery (login CSRF included): every state-changing route refuses
 * non-JSON bodies and requests from another site, unless it is `@CrossSiteAllowed()`. Registered before the session
 * guard, so a forged request is refused the same way with or without a session cookie. Deciding by route metadata,
 * not by URL prefix, means no spelling of a path (`/CRM/auth/login`) can skip it.
 */
@Injectable()
export class CrossSiteGuard implements CanActivate {
  private readonly publicOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'PUBLIC_URL'>,
  ) {
    this.publicOrigin = new URL(config.PUBLIC_URL).origin.toLowerCase();
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const allowed = this.reflector.getAllAndOverride<boolean>(CROSS_SITE_ALLOWED, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (allowed) return true;
    const refusal = crossSiteRefusal(
      context.switchToHttp().getRequest<{ method: string; headers: IncomingHttpHeaders }>(),
      this.publicOrigin,
      this.reflector.get<string[] | undefined>(ACCEPTED_BODY_TYPE, context.getHandler()),
    );
    if (!refusal) return true;
    if (refusal.status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
      throw new GatewayHttpError(refusal.status, 'VALIDATION', refusal.message);
    }
    throw new GatewayHttpError(refusal.status, 'FORBIDDEN', refusal.message);
  }
}
