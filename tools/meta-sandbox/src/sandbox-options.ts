import { DEFAULT_APP_ID, DEFAULT_SEED } from './dataset/build-dataset';

export type SandboxOptions = {
  /** Meta app id accepted as `client_id` (default `1200000000000001`) */
  appId?: string;
  /** app secret: OAuth `client_secret`, app token `{appId}|{secret}`, webhook signatures (default `sandbox-app-secret`) */
  appSecret?: string;
  /** where signed webhooks are POSTed (default `http://127.0.0.1:3000/webhooks/meta`) */
  webhookUrl?: string;
  /** the sandbox's own base URL as clients see it, used in paging `next` links; default: the request's host */
  publicUrl?: string;
  /** delay between sent → delivered → read status webhooks (default 300 ms) */
  statusDelayMs?: number;
  /** version echoed in `facebook-api-version` when the path has no `/vNN.0/` prefix (default `v23.0`) */
  defaultApiVersion?: string;
  /** clock (default `() => new Date()`); insights "today" is computed from it in each ad account's timezone */
  now?: () => Date;
  /** dataset seed (default `crm-ventas-demo-v1`); ids and numbers are a pure function of it */
  seed?: string;
  /** webhook delivery tries per event (default 5) */
  webhookMaxAttempts?: number;
  /** first retry delay; doubles each try (default 1000 ms → tries at 0, 1, 3, 7, 15 s) */
  webhookRetryBaseMs?: number;
  /** longest delay between tries (default none: it keeps doubling); Meta retries for 7 days, less and less often */
  webhookRetryMaxMs?: number;
  /** per-try HTTP timeout (default 5000 ms) */
  webhookTimeoutMs?: number;
  /** rolling window for the usage percentages of the rate-limit headers (default 1 h) */
  usageWindowMs?: number;
  /** calls per window that count as 100% in the usage headers (default 1000) */
  usageQuotaPerWindow?: number;
  /** WhatsApp messages per second per number before 130429 (default 80, Meta's standard throughput) */
  whatsappMps?: number;
  /** messages to one recipient in a burst before 131056; then one per 6 s (default 45, as Meta) */
  whatsappPairBurst?: number;
  /** extra lead campaigns × ads in the main ad account (benchmarks; default none) */
  extraCampaigns?: { campaigns: number; adsPerCampaign: number };
  /** delay before every Graph answer, like Meta's round trip (default 0; `POST /_sandbox/latency` changes it) */
  latencyMs?: number;
  /** log sink (default: none) */
  log?: (line: string) => void;
};

export type ResolvedSandboxOptions = Required<
  Omit<SandboxOptions, 'publicUrl' | 'log' | 'extraCampaigns'>
> & {
  publicUrl?: string;
  extraCampaigns?: SandboxOptions['extraCampaigns'];
  log: (line: string) => void;
};

export const DEFAULT_APP_SECRET = 'sandbox-app-secret';
export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:3000/webhooks/meta';

export const resolveOptions = (options: SandboxOptions = {}): ResolvedSandboxOptions => ({
  appId: options.appId ?? DEFAULT_APP_ID,
  appSecret: options.appSecret ?? DEFAULT_APP_SECRET,
  webhookUrl: options.webhookUrl ?? DEFAULT_WEBHOOK_URL,
  publicUrl: options.publicUrl,
  statusDelayMs: options.statusDelayMs ?? 300,
  defaultApiVersion: options.defaultApiVersion ?? 'v23.0',
  now: options.now ?? (() => new Date()),
  seed: options.seed ?? DEFAULT_SEED,
  webhookMaxAttempts: options.webhookMaxAttempts ?? 5,
  webhookRetryBaseMs: options.webhookRetryBaseMs ?? 1000,
  webhookRetryMaxMs: options.webhookRetryMaxMs ?? Number.POSITIVE_INFINITY,
  webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
  usageWindowMs: options.usageWindowMs ?? 3_600_000,
  usageQuotaPerWindow: options.usageQuotaPerWindow ?? 1000,
  whatsappMps: options.whatsappMps ?? 80,
  whatsappPairBurst: options.whatsappPairBurst ?? 45,
  latencyMs: options.latencyMs ?? 0,
  extraCampaigns: options.extraCampaigns,
  log: options.log ?? (() => undefined),
});
