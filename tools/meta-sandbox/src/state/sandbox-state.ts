import { buildDataset } from '../dataset/build-dataset';
import type { ReportRun } from '../graph/report-runs';
import type { Dataset, SandboxTemplate } from '../dataset/dataset.types';
import type { ResolvedSandboxOptions } from '../sandbox-options';
import type { ConversionEventRecord } from '../conversions/conversions-api';

export type TokenKind = 'USER' | 'PAGE';

export type TokenRecord = {
  token: string;
  kind: TokenKind;
  appId: string;
  userId: string;
  /** page id for PAGE tokens */
  profileId?: string;
  scopes: string[];
  issuedAt: number;
  /** epoch ms; null = never expires */
  expiresAt: number | null;
  longLived: boolean;
  revoked: boolean;
  /** set by the control API: the token answers 190/463 from then on */
  forcedExpiredAt?: number;
  /** set by the control API (`/tokens/update`); otherwise issuedAt + 90 days */
  dataAccessExpiresAt?: number;
};

export type ConsentTransaction = {
  id: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  createdAt: number;
};

export type AuthCode = {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  createdAt: number;
  used: boolean;
};

export type LeadRecord = {
  id: string;
  formId: string;
  pageId: string;
  adId?: string;
  createdAt: number;
  fieldData: { name: string; values: string[] }[];
  isOrganic: boolean;
};

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export type SentMessage = {
  wamid: string;
  phoneNumberId: string;
  to: string;
  input: string;
  type: string;
  template?: {
    name: string;
    language: string;
    category: string;
    bodyParams: string[];
    components: unknown[];
  };
  text?: string;
  bizOpaqueCallbackData?: string;
  createdAt: number;
  statuses: { status: StatusName; at: number; delivered: boolean | null }[];
  expectedFailure: boolean;
};

export type InboundMessage = {
  wamid: string;
  phoneNumberId: string;
  from: string;
  text: string;
  referral?: { adId: string; ctwaClid: string };
  contextWamid?: string;
  createdAt: number;
};

export type ServiceWindow = { lastInboundAt: number; freeEntryPointUntil?: number; conversationId?: string };

export type WebhookAttempt = {
  attempt: number;
  at: number;
  status: number | null;
  error?: string;
  durationMs: number;
};

export type WebhookKind = 'status' | 'message' | 'leadgen' | 'template';

export type WebhookDelivery = {
  id: string;
  kind: WebhookKind;
  url: string;
  /** the exact bytes sent (signature is over them) */
  body: string;
  signature: string;
  createdAt: number;
  attempts: WebhookAttempt[];
  delivered: boolean;
  /** true once delivered or out of tries */
  settled: boolean;
  meta: Record<string, string>;
};

export type ThrottleState = { ads: boolean; insights: boolean; whatsapp: boolean; code?: number };

/**
 * WhatsApp send limits as Meta applies them (REFERENCE §7.8): `mps` messages per second per number (a bucket of one
 * second's worth, refilled continuously; 130429 when empty) and the pair rate limit — one message per
 * `pairIntervalMs` to the same recipient with bursts of up to `pairBurst` borrowed (131056 when exceeded).
 */
export type WhatsappLimits = { mps: number; pairBurst: number; pairIntervalMs: number };
export const DEFAULT_WHATSAPP_LIMITS: WhatsappLimits = { mps: 80, pairBurst: 45, pairIntervalMs: 6000 };

export type TokenBucket = { tokens: number; at: number };

/** A Resumable Upload API session (`POST /{app-id}/uploads`): the bytes received so far, in order. */
export type UploadSession = {
  /** `upload:<id>` without its `?sig=` */
  id: string;
  appId: string;
  userId: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  chunks: Buffer[];
  offset: number;
  createdAt: number;
  /** set when the last byte arrived */
  handle?: string;
};

/** A complete upload: its handle (`{h}`) is what `example.header_handle` of a template takes. */
export type UploadedFile = {
  handle: string;
  appId: string;
  userId: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  sha256: string;
  createdAt: number;
};

/** `POST /_sandbox/whatsapp/fail-after-accept`: the next `remaining` sends are accepted (and delivered) but answered badly. */
export type FailAfterAccept = { remaining: number; mode: '5xx' | 'no_wamid' };

/**
 * `POST /_sandbox/insights/async`: how report runs behave. A run is finished after `pollsToComplete` polls; the next
 * `failNext` runs end as `failAs` instead of `Job Completed`; `syncTooMuchData` makes the synchronous insights edge
 * answer code 1 / subcode 99 ("Please reduce the amount of data…"), Meta's hint to use a report run.
 */
export type AsyncInsightsControl = {
  pollsToComplete: number;
  failNext: number;
  failAs: 'Job Failed' | 'Job Skipped';
  syncTooMuchData: boolean;
};
export const DEFAULT_ASYNC_INSIGHTS: AsyncInsightsControl = {
  pollsToComplete: 3,
  failNext: 0,
  failAs: 'Job Failed',
  syncTooMuchData: false,
};
/** A Graph call the sandbox answered (`GET /_sandbox/requests`). */
export type GraphRequestRecord = { method: string; path: string; query: Record<string, unknown>; at: number };

/** Graph calls kept in the request log (oldest dropped first). */
export const REQUEST_LOG_LIMIT = 10_000;

/** Everything mutable in the sandbox. `reset()` returns to the seeded state (and cancels pending webhooks). */
export class SandboxState {
  readonly dataset: Dataset;
  tokens = new Map<string, TokenRecord>();
  consents = new Map<string, ConsentTransaction>();
  codes = new Map<string, AuthCode>();
  leads = new Map<string, LeadRecord>();
  templates: SandboxTemplate[] = [];
  messages: SentMessage[] = [];
  inbound: InboundMessage[] = [];
  windows = new Map<string, ServiceWindow>();
  webhooks: WebhookDelivery[] = [];
  throttle: ThrottleState = { ads: false, insights: false, whatsapp: false };
  outage = false;
  whatsappLimits: WhatsappLimits = { ...DEFAULT_WHATSAPP_LIMITS };
  numberBuckets = new Map<string, TokenBucket>();
  pairBuckets = new Map<string, TokenBucket>();
  /** Sends refused for throughput (130429) and pair rate (131056) since the last reset. */
  limitRejections = { throughput: 0, pair: 0 };
  failAfterAccept: FailAfterAccept = { remaining: 0, mode: '5xx' };
  /** `POST /_sandbox/whatsapp/fail-before-accept`: the next N sends answer HTTP 500 and are not taken at all. */
  failBeforeAccept = 0;
  usage = new Map<string, number[]>();
  subscriptions = new Set<string>();
  uploadSessions = new Map<string, UploadSession>();
  uploadedFiles = new Map<string, UploadedFile>();
  /** Async insights jobs (`POST /act_{id}/insights`) and how they behave. */
  reportRuns = new Map<string, ReportRun>();
  asyncInsights: AsyncInsightsControl = { ...DEFAULT_ASYNC_INSIGHTS };
  /** Conversions API events received (`POST /{dataset_id}/events`), duplicates flagged. */
  conversions: ConversionEventRecord[] = [];
  /** Every Graph call since the last reset (or clear), oldest first. */
  requests: GraphRequestRecord[] = [];
  /** Delay before every Graph answer (ms). */
  latencyMs = 0;
  private timers = new Set<NodeJS.Timeout>();
  private generation = 0;

  constructor(readonly options: ResolvedSandboxOptions) {
    this.dataset = buildDataset({
      appId: options.appId,
      seed: options.seed,
      extraCampaigns: options.extraCampaigns,
    });
    this.reset();
  }

  now(): number {
    return this.options.now().getTime();
  }

  /** Incremented on reset: async work started before a reset checks it and stops. */
  get currentGeneration(): number {
    return this.generation;
  }

  reset(): void {
    this.cancelTimers();
    this.generation += 1;
    this.tokens.clear();
    this.consents.clear();
    this.codes.clear();
    this.leads.clear();
    this.templates = this.dataset.templates.map((t) => ({ ...t, components: [...t.components] }));
    this.messages = [];
    this.inbound = [];
    this.windows.clear();
    this.webhooks = [];
    this.throttle = { ads: false, insights: false, whatsapp: false };
    this.outage = false;
    this.whatsappLimits = {
      mps: this.options.whatsappMps,
      pairBurst: this.options.whatsappPairBurst,
      pairIntervalMs: DEFAULT_WHATSAPP_LIMITS.pairIntervalMs,
    };
    this.numberBuckets.clear();
    this.pairBuckets.clear();
    this.limitRejections = { throughput: 0, pair: 0 };
    this.failAfterAccept = { remaining: 0, mode: '5xx' };
    this.failBeforeAccept = 0;
    this.usage.clear();
    this.subscriptions.clear();
    this.uploadSessions.clear();
    this.uploadedFiles.clear();
    this.reportRuns.clear();
    this.asyncInsights = { ...DEFAULT_ASYNC_INSIGHTS };
    this.conversions = [];
    this.requests = [];
    this.latencyMs = this.options.latencyMs;
    const now = this.now();
    const pageId = this.dataset.pages[0].id;
    for (const seed of this.dataset.seedLeads) {
      this.leads.set(seed.id, {
        id: seed.id,
        formId: seed.formId,
        pageId,
        adId: seed.adId,
        createdAt: now - seed.createdDaysAgo * 86_400_000,
        fieldData: [
          { name: 'full_name', values: [seed.fullName] },
          { name: 'email', values: [seed.email] },
          { name: 'phone_number', values: [seed.phone] },
        ],
        isOrganic: false,
      });
    }
  }

  /** setTimeout that never keeps the process alive and is cancelled by reset()/cancelTimers(). */
  schedule(fn: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.schedule(resolve, delayMs));
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  windowKey(phoneNumberId: string, waId: string): string {
    return `${phoneNumberId}:${waId}`;
  }
}
