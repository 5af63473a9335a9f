import { durableTablesRetention, type RetentionRule } from '@crm/nest-common';
import type { MetaAdsConfig } from './config';

/**
 * What meta-ads-service's daily retention job deletes (docs/OPERATIONS.md "Data retention"). `held_webhooks` has
 * its own purge (`HELD_WEBHOOK_RETENTION_HOURS`, `HeldWebhookReplay`), with a log line per tenant.
 */
export function metaAdsRetentionRules(config: MetaAdsConfig): RetentionRule[] {
  return [
    ...durableTablesRetention('meta_ads', {
      outbox: config.RETENTION_OUTBOX_DAYS,
      deadLetters: config.RETENTION_DEAD_LETTERS_DAYS,
    }),
    {
      table: 'meta_ads.webhook_receipts',
      expired: 'received_at < $1',
      days: config.RETENTION_WEBHOOK_RECEIPTS_DAYS,
    },
    { table: 'meta_ads.oauth_states', expired: 'expires_at < $1', days: config.RETENTION_OAUTH_STATES_DAYS },
    {
      table: 'meta_ads.insights_cache',
      expired: 'fetched_at < $1',
      days: config.RETENTION_INSIGHTS_CACHE_DAYS,
    },
    {
      table: 'meta_ads.unrouted_leadgen',
      expired: 'received_at < $1',
      days: config.RETENTION_UNROUTED_LEADGEN_DAYS,
    },
  ];
}
