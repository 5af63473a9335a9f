import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, META_PAIR_RATE_CODE, META_THROUGHPUT_CODE } from '@crm/contracts';
import { metricsRegistry, parseMetaJson } from '@crm/nest-common';
import CircuitBreaker from 'opossum';
import { Counter, Gauge } from 'prom-client';
import { redactSecrets, sanitizeUrl } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { ConnectionStore } from '../connection/connection.store';
import { isTokenCode, isTransientDomainError, parseMetaError, toDomainError } from './meta-api-error';
import { readUsageHeaders } from './usage-headers';

/** Breakers are kept per tenant and API family, so a throttled WhatsApp number does not stop insights. */
export type ApiFamily = 'ads' | 'whatsapp';

export type GraphRequest = {
  tenantId: string;
  family: ApiFamily;
  /** Path after the version, e.g. `me/businesses` or `act_123/insights`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as `Authorization: Bearer` — never in the URL. */
  token: string;
  /** The token is the tenant's stored one: a 190 marks the connection expired and failures are recorded on it. */
  storedToken?: boolean;
  /** Extra secret values to scrub from error messages (e.g. a token passed as `input_token`). */
  secrets?: string[];
  /** `Authorization: <scheme> <token>`: Graph takes `Bearer`; the Resumable Upload API documents `OAuth`. */
  authScheme?: 'Bearer' | 'OAuth';
  /** Extra request headers (e.g. the Resumable Upload API's `file_offset`). */
  headers?: Record<string, string>;
};

type GraphPage<T> = { data?: T[]; paging?: { next?: string } };

/** A transport failure (timeout, connection error): whether Meta may have acted on the request is unknown. */
export class MetaTransportError extends DomainError {
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
  ) {
    super('META_UNAVAILABLE', message, { outcomeUnknown });
  }
}

/** WhatsApp's per-number throughput (130429) and pair (131056) limits: paced per number by SendPacer, never a breaker matter. */
function isPerNumberLimit(error: unknown): boolean {
  const code = error instanceof DomainError ? Number(error.details?.metaCode) : NaN;
  return code === META_THROUGHPUT_CODE || code === META_PAIR_RATE_CODE;
}

/** Breaker settings (documented in the README). */
export const BREAKER_SETTINGS = {
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  rollingCountTimeout: 60_000,
  rollingCountBuckets: 6,
} as const;

const MAX_PAGES = 200;

const usageGauge = new Gauge({
  name: 'meta_api_usage_max_percent',
  help: "Highest utilisation (%) reported by Meta's rate-limit headers on the last response, per API family",
  labelNames: ['family'] as const,
  registers: [metricsRegistry],
});

const callCounter = new Counter({
  name: 'meta_api_calls_total',
  help: 'Graph API calls by family and outcome (ok, or the DomainError code)',
  labelNames: ['family', 'outcome'] as const,
  registers: [metricsRegistry],
});

type BreakerEntry = {
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  lastTransient?: DomainError;
  rateLimitedUntil: number;
};

/**
 * The only door to Meta: fetch with a timeout, Bearer auth, cursor paging, Meta's error envelope mapped to
 * DomainErrors, rate-limit headers into a gauge, and a circuit breaker per tenant + API family.
 */
@Injectable()
export class GraphClient implements OnApplicationShutdown {
  private readonly logger = new Logger('GraphClient');
  private readonly breakers = new Map<string, BreakerEntry>();
  private readonly base: string;
  private readonly origin: string;

  constructor(
    private readonly config: MetaAdsConfig,
    private readonly connections: ConnectionStore,
  ) {
    const root = config.META_GRAPH_URL.replace(/\/+$/, '');
    this.base = `${root}/${config.META_GRAPH_VERSION}`;
    this.origin = new URL(root).origin;
  }

  get<T>(request: GraphRequest): Promise<T> {
    return this.call<T>('GET', this.url(request.path, request.query), request);
  }

  /** `body` is sent as JSON; a `Uint8Array` is sent as it is (`application/octet-stream`); undefined: no body. */
  post<T>(request: GraphRequest & { body: unknown }): Promise<T> {
    return this.call<T>('POST', this.url(request.path, request.query), request, request.body);
  }

  delete<T>(request: GraphRequest): Promise<T> {
    return this.call<T>('DELETE', this.url(request.path, request.query), request);
  }

  /** Every item of a list edge: follows `paging.next` until it is absent (REFERENCE §2.2). */
  async getAll<T>(request: GraphRequest): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = this.url(request.path, request.query);
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) {
        throw new DomainError('META_REJECTED', `Meta list ${request.path} has more than ${MAX_PAGES} pages`);
      }
      const answer: GraphPage<T> = await this.call<GraphPage<T>>('GET', url, request);
      items.push(...(Array.isArray(answer.data) ? answer.data : []));
      url = this.nextUrl(answer.paging?.next, request);
    }
    return items;
  }

  /** Breaker state for a tenant and family (for tests and diagnostics). */
  breakerState(tenantId: string, family: ApiFamily): 'closed' | 'open' | 'half-open' {
    const entry = this.breakers.get(`${tenantId}:${family}`);
    if (!entry) return 'closed';
    return entry.breaker.opened ? 'open' : entry.breaker.halfOpen ? 'half-open' : 'closed';
  }

  onApplicationShutdown(): void {
    for (const entry of this.breakers.values()) entry.breaker.shutdown();
    this.breakers.clear();
  }

  private url(path: string, query: GraphRequest['query'] = {}): string {
    const url = new URL(`${this.base}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** Only follow `next` links on Meta's own origin: the token must never be sent anywhere else. */
  private nextUrl(next: string | undefined, request: GraphRequest): string | undefined {
    if (!next) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(next);
    } catch {
      throw new DomainError('META_REJECTED', `Meta returned an unusable paging link for ${request.path}`);
    }
    if (parsed.origin !== this.origin) {
      throw new DomainError('META_REJECTED', `Meta paging link for ${request.path} points to another host`);
    }
    parsed.searchParams.delete('access_token');
    return parsed.toString();
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    request: GraphRequest,
    body?: unknown,
  ): Promise<T> {
    const entry = this.breakerFor(request.tenantId, request.family);
    try {
      const result = (await entry.breaker.fire(() => this.send(method, url, request, body))) as T;
      callCounter.inc({ family: request.family, outcome: 'ok' });
      return result;
    } catch (error) {
      const mapped = this.afterFailure(entry, error);
      callCounter.inc({ family: request.family, outcome: mapped.code });
      if (request.storedToken) await this.recordOnConnection(request.tenantId, mapped);
      throw mapped;
    }
  }

  private afterFailure(entry: BreakerEntry, error: unknown): DomainError {
    if ((error as { code?: unknown }).code === 'EOPENBREAKER') return this.openBreakerError(entry);
    if (isTransientDomainError(error)) {
      entry.lastTransient = error;
      // WhatsApp's per-number throughput (130429) and pair (131056) limits are paced by SendPacer per number or
      // recipient; they must not stop every call of the tenant.
      if (error.code === 'META_RATE_LIMITED' && !isPerNumberLimit(error)) {
        const seconds = Number(error.details?.retryAfterSeconds ?? 60);
        entry.rateLimitedUntil = Date.now() + seconds * 1000;
        // Meta's guidance: stop calling at the limit (calls keep extending the block). Open at once.
        entry.breaker.open();
      }
      return error;
    }
    if (error instanceof DomainError) return error;
    this.logger.error(`unexpected Graph client failure: ${redactSecrets(String(error))}`);
    return new DomainError('META_UNAVAILABLE', 'Meta call failed unexpectedly');
  }

  private openBreakerError(entry: BreakerEntry): DomainError {
    const remaining = Math.ceil((entry.rateLimitedUntil - Date.now()) / 1000);
    if (entry.lastTransient?.code === 'META_RATE_LIMITED' || remaining > 0) {
      return new DomainError('META_RATE_LIMITED', 'Meta rate limit reached; retry later', {
        retryAfterSeconds: Math.max(1, remaining, Math.ceil(this.config.META_BREAKER_RESET_MS / 1000)),
        breakerOpen: true,
      });
    }
    return new DomainError('META_UNAVAILABLE', 'Meta is temporarily unavailable; retry later', {
      retryAfterSeconds: Math.ceil(this.config.META_BREAKER_RESET_MS / 1000),
      breakerOpen: true,
    });
  }

  private async recordOnConnection(tenantId: string, error: DomainError): Promise<void> {
    try {
      if (error.code === 'META_TOKEN_EXPIRED') {
        await this.connections.markExpired(
          tenantId,
          `Meta answered ${String(error.details?.metaCode ?? 190)}`,
        );
      } else if (error.code !== 'META_REJECTED') {
        await this.connections.recordError(tenantId, error);
      }
    } catch (storeError) {
      this.logger.warn(`tenant ${tenantId}: could not record Meta failure: ${String(storeError)}`);
    }
  }

  private breakerFor(tenantId: string, family: ApiFamily): BreakerEntry {
    const key = `${tenantId}:${family}`;
    let entry = this.breakers.get(key);
    if (!entry) {
      const breaker = new CircuitBreaker(async (action: () => Promise<unknown>) => action(), {
        ...BREAKER_SETTINGS,
        timeout: false,
        resetTimeout: this.config.META_BREAKER_RESET_MS,
        // Only "Meta is overloaded or down" counts: a 4xx validation error says nothing about Meta's health.
        errorFilter: (error: unknown) => !isTransientDomainError(error) || isPerNumberLimit(error),
      });
      breaker.on('open', () => this.logger.warn(`circuit open for tenant ${tenantId} (${family})`));
      breaker.on('close', () => this.logger.log(`circuit closed for tenant ${tenantId} (${family})`));
      entry = { breaker, rateLimitedUntil: 0 };
      this.breakers.set(key, entry);
    }
    return entry;
  }

  /** One HTTP exchange with Meta. Resolves with the JSON body or rejects with a mapped DomainError. */
  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    request: GraphRequest,
    body: unknown,
  ): Promise<unknown> {
    const secrets = [request.token, this.config.META_APP_SECRET, ...(request.secrets ?? [])];
    const where = `${method} ${sanitizeUrl(url, secrets)}`;
    const binary = body instanceof Uint8Array ? body : undefined;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...request.headers,
          Authorization: `${request.authScheme ?? 'Bearer'} ${request.token}`,
          Accept: 'application/json',
          ...(binary
            ? { 'Content-Type': 'application/octet-stream' }
            : body !== undefined
              ? { 'Content-Type': 'application/json' }
              : {}),
        },
        body: binary ?? (body !== undefined ? JSON.stringify(body) : undefined),
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.META_HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.transportError(error, where);
    }
    const usage = readUsageHeaders(response.headers);
    if (usage.maxPercent !== null) usageGauge.set({ family: request.family }, usage.maxPercent);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.transportError(error, where);
    }
    // Lossless: an id Meta writes as a number keeps every digit (as a string), and text is cleaned of NUL and
    // unpaired surrogates before anything is stored.
    let json: unknown;
    try {
      json = text === '' ? {} : parseMetaJson(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined) {
        throw new DomainError('META_UNAVAILABLE', `Meta answered ${where} with a body that is not JSON`);
      }
      return json;
    }
    const metaError = parseMetaError(response.status, json, secrets);
    const mapped = toDomainError(metaError, usage.regainAccessMinutes);
    const level = isTokenCode(metaError.code) || isTransientDomainError(mapped) ? 'warn' : 'debug';
    this.logger[level](
      `${where} → HTTP ${response.status} code ${metaError.code}${metaError.subcode ? `/${metaError.subcode}` : ''}` +
        ` (${mapped.code}) tenant ${request.tenantId} fbtrace ${metaError.fbtraceId ?? '-'}: ${metaError.message}`,
    );
    throw mapped;
  }

  private transportError(error: unknown, where: string): MetaTransportError {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      this.logger.warn(`${where}: no answer in ${this.config.META_HTTP_TIMEOUT_MS} ms`);
      return new MetaTransportError(
        `Meta did not answer in ${this.config.META_HTTP_TIMEOUT_MS} ms; retry later`,
        true,
      );
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const neverSent = cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EAI_AGAIN';
    this.logger.warn(`${where}: Meta unreachable (${cause ?? name ?? 'network error'})`);
    return new MetaTransportError('Meta could not be reached; retry later', !neverSent);
  }
}
