import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import passport from 'passport';
import { Strategy as FacebookStrategy } from 'passport-facebook';
import { DomainError, META_REQUIRED_SCOPES, Rpc, type ConnectionStatus } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { GATEWAY_CONFIG, META_CALLBACK_PATH, metaCallbackUrl, type GatewayConfig } from '../config';
import type { SessionContext, SessionRequest } from '../auth/session';
import { OAUTH_STATE_TTL_SECONDS, signOauthState, verifyOauthState } from './oauth-state';

/**
 * httpOnly cookie holding the browser binding of the pending consent (its hash is in the signed state). SameSite=Lax
 * so it survives Meta's top-level redirect back; sent only to the callback; lives as long as the state.
 */
export const OAUTH_BINDING_COOKIE = 'crm_oauth';

/** Where the callback sends the browser back to (the frontend's Marketing page reads the query). */
export type CallbackOutcome = 'connected' | 'access_denied' | 'invalid_state' | 'exchange_failed';

export function marketingRedirect(outcome: CallbackOutcome): string {
  return outcome === 'connected' ? '/marketing?meta=connected' : `/marketing?meta_error=${outcome}`;
}

const STRATEGY = 'facebook';

/**
 * Facebook Login for Business: builds the consent URL with a signed, single-use `state`, and on the callback
 * lets passport-facebook exchange the code. The short-lived token goes straight to meta-ads-service over NATS;
 * it is never sent to the browser, put in a redirect or logged.
 */
@Injectable()
export class MetaOauthService {
  private readonly logger = new Logger('MetaOauth');
  private readonly passport = new passport.Passport();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const graphBase = `${config.META_GRAPH_URL}/${config.META_GRAPH_VERSION}`;
    this.passport.use(
      STRATEGY,
      new FacebookStrategy(
        {
          clientID: config.META_APP_ID,
          clientSecret: config.META_APP_SECRET,
          callbackURL: metaCallbackUrl(config),
          authorizationURL: config.META_OAUTH_DIALOG_URL,
          tokenURL: `${graphBase}/oauth/access_token`,
          profileURL: `${graphBase}/me`,
          scope: [...META_REQUIRED_SCOPES],
          // The signed state is checked by this service before passport runs; passport keeps none.
          state: false,
          // meta-ads-service reads the user and the token's scopes itself (debug_token).
          skipUserProfile: true,
          passReqToCallback: true,
        },
        (request, accessToken, _refreshToken, _profile, done) => {
          const session = (request as SessionRequest).crmSession;
          if (!session) {
            done(new Error('no session on the OAuth callback'));
            return;
          }
          this.rpc
            .call(Rpc.meta.completeOauth, {
              tenantId: session.tenantId,
              userId: session.userId,
              accessToken,
            })
            .then((status) => done(null, status))
            .catch((error: unknown) => done(error));
        },
      ),
    );
  }

  /**
   * The consent dialog URL for this user, with a fresh signed state (valid 10 minutes, once), bound to this browser
   * by the `crm_oauth` cookie set on `response`. A newer consent URL replaces the binding of an older one.
   */
  consentUrl(session: SessionContext, response: Response): string {
    const { state, binding } = signOauthState(this.config.OAUTH_STATE_SECRET, session);
    response.cookie(OAUTH_BINDING_COOKIE, binding, {
      ...this.bindingCookieOptions(),
      maxAge: OAUTH_STATE_TTL_SECONDS * 1000,
    });
    const url = new URL(this.config.META_OAUTH_DIALOG_URL);
    url.searchParams.set('client_id', this.config.META_APP_ID);
    url.searchParams.set('redirect_uri', metaCallbackUrl(this.config));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', META_REQUIRED_SCOPES.join(','));
    url.searchParams.set('state', state);
    return url.toString();
  }

  /**
   * Handle Meta's redirect back; always ends in a redirect outcome, never an error page. The binding cookie is
   * single-use: cleared by every callback, whatever the outcome.
   */
  async handleCallback(
    request: Request,
    response: Response,
    session: SessionContext,
  ): Promise<CallbackOutcome> {
    const binding = (request.cookies as Record<string, unknown> | undefined)?.[OAUTH_BINDING_COOKIE];
    response.clearCookie(OAUTH_BINDING_COOKIE, this.bindingCookieOptions());
    const error = single(request.query.error);
    if (error !== undefined) {
      if (error === 'access_denied') return 'access_denied';
      this.logger.warn(`Meta OAuth callback with error=${error.slice(0, 64).replace(/[^\w.-]/g, '?')}`);
      return 'exchange_failed';
    }

    const check = verifyOauthState(
      this.config.OAUTH_STATE_SECRET,
      single(request.query.state),
      session,
      binding,
    );
    if (!check.ok) {
      this.logger.warn(`Meta OAuth callback refused: state ${check.reason} (tenant ${session.tenantId})`);
      return 'invalid_state';
    }
    try {
      await this.rpc.call(Rpc.meta.consumeOauthState, {
        tenantId: session.tenantId,
        userId: session.userId,
        nonce: check.claims.nonce,
        expiresAt: new Date(check.claims.exp * 1000).toISOString(),
      });
    } catch (failure) {
      if (failure instanceof DomainError && ['CONFLICT', 'VALIDATION', 'NOT_FOUND'].includes(failure.code)) {
        this.logger.warn(`Meta OAuth callback refused: state already used (tenant ${session.tenantId})`);
        return 'invalid_state';
      }
      this.logger.error(`Meta OAuth state could not be consumed: ${describe(failure)}`);
      return 'exchange_failed';
    }

    if (!single(request.query.code)) return 'exchange_failed';
    try {
      await this.exchangeCode(request, response);
      return 'connected';
    } catch (failure) {
      this.logger.warn(`Meta OAuth code exchange failed (tenant ${session.tenantId}): ${describe(failure)}`);
      return 'exchange_failed';
    }
  }

  async disconnect(session: SessionContext): Promise<ConnectionStatus> {
    return this.rpc.call(Rpc.meta.disconnect, { tenantId: session.tenantId });
  }

  private bindingCookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.COOKIE_SECURE, path: META_CALLBACK_PATH };
  }

  /** Run passport-facebook's callback half: POST the code to the token URL, then the verify callback above. */
  private exchangeCode(request: Request, response: Response): Promise<ConnectionStatus> {
    return new Promise<ConnectionStatus>((resolve, reject) => {
      const middleware = this.passport.authenticate(
        STRATEGY,
        { session: false },
        (error: unknown, user: ConnectionStatus | false | undefined) => {
          if (error) reject(error);
          else if (!user) reject(new Error('Meta did not authorise the code'));
          else resolve(user);
        },
      ) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
      middleware(request, response, (error?: unknown) =>
        reject(error ?? new Error('passport did not finish')),
      );
    });
  }
}

function single(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Error text for the log: message and Graph error code only (never response bodies or tokens). */
function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const upstream = (error as Error & { oauthError?: { statusCode?: unknown } }).oauthError;
    const parts = [error.name, error.message];
    if (typeof code === 'number' || typeof code === 'string') parts.push(`code ${code}`);
    if (upstream && typeof upstream.statusCode === 'number') parts.push(`HTTP ${upstream.statusCode}`);
    return parts.join(' ');
  }
  return 'unknown error';
}
