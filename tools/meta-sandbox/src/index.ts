export { createSandbox, type ListeningSandbox, type Sandbox } from './sandbox';
export { resolveOptions, type ResolvedSandboxOptions, type SandboxOptions } from './sandbox-options';
export {
  buildDataset,
  DEFAULT_APP_ID,
  DEFAULT_SEED,
  type BuildDatasetOptions,
} from './dataset/build-dataset';
export {
  idsOf,
  listAds,
  listAdsOf,
  SANDBOX_IDS,
  type SandboxAdSummary,
  type SandboxIds,
} from './dataset/sandbox-ids';
export { dailyMetrics, type DailyMetrics } from './dataset/daily-metrics';
export { createPrng } from './dataset/prng';
export type * from './dataset/dataset.types';
export { SandboxState } from './state/sandbox-state';
export type { SentMessage, WebhookDelivery, TokenRecord, LeadRecord } from './state/sandbox-state';
export { signBody } from './whatsapp/webhook-emitter';
