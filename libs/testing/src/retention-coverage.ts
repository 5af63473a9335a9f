import type { DataSource } from 'typeorm';

/** The schemas the services own; each service's `retention.int-spec.ts` checks its own with `tablesWithoutRetention`. */
export const SERVICE_SCHEMAS = ['crm', 'meta_ads', 'automation', 'marketing'] as const;

/**
 * Every table no service's `RetentionModule` purges, and why (docs/OPERATIONS.md "Data retention"). A table that is
 * in neither this map nor a retention rule fails its service's retention test: a new table must say which it is.
 */
export const KEPT_ON_PURPOSE: Readonly<Record<string, string>> = {
  // Bookkeeping: one row per migration or per periodic job.
  'crm.migrations': 'migration history',
  'meta_ads.migrations': 'migration history',
  'automation.migrations': 'migration history',
  'marketing.migrations': 'migration history',
  'crm.retention_schedule': 'one row: the retention job’s next run',
  'meta_ads.retention_schedule': 'one row: the retention job’s next run',
  'automation.retention_schedule': 'one row: the retention job’s next run',
  'marketing.retention_schedule': 'one row: the retention job’s next run',
  'meta_ads.template_sync_schedule': 'one row: the template sync’s next run',
  'meta_ads.token_check_schedule': 'one row: the token check’s next run',
  'meta_ads.lead_form_sync_schedule': 'one row per tenant: the lead form sync’s next run',
  // Business data: what the tenant sees and owns; deleted with the tenant (`npm run tenant:delete`).
  'crm.tenants': 'business data',
  'crm.users': 'business data',
  'crm.leads': 'business data',
  'crm.lead_activity': 'business history (the lead’s timeline)',
  'crm.messages': 'business history (the chats)',
  'crm.conversations': 'business data (one per chat)',
  'crm.opportunities': 'business data',
  'crm.sales_transactions': 'business data',
  'crm.pipeline_stages': 'tenant settings',
  'crm.assignment_cursors': 'tenant settings: one cursor per rotation',
  'crm.lead_import_rows': 'deleted with its import (ON DELETE CASCADE from crm.lead_imports)',
  'crm.lead_import_rejects': 'deleted with its import (ON DELETE CASCADE from crm.lead_imports)',
  'meta_ads.connections': 'tenant settings: the Meta connection',
  'meta_ads.pages': 'tenant settings: the chosen pages',
  'meta_ads.ads': 'the ads catalogue read from Meta (one row per ad)',
  'meta_ads.lead_forms': 'the lead forms read from Meta (one row per form)',
  'meta_ads.templates': 'the WhatsApp templates read from Meta (one row per template)',
  'meta_ads.conversion_settings': 'tenant settings',
  'meta_ads.conversion_events': 'business history (the conversions log)',
  'meta_ads.sends': 'business history: each send to Meta and its idempotency key',
  'meta_ads.leadgen_backfills':
    'business history: a few manual backfills per form, listed in the Marketing Hub',
  'meta_ads.pending_leadgen':
    'a work queue: a row is deleted once its lead is fetched; parked ones wait for a person',
  'automation.rules': 'tenant settings',
  'automation.protection_settings': 'tenant settings',
  'automation.sends': 'business history (the HSM log)',
  'automation.send_events': 'business history (each send’s status history)',
  'automation.lead_outcomes': 'business history (conversions of the funnels)',
  'automation.template_states': 'one row per template: its last status',
  'automation.send_pauses': 'one row per paused tenant, deleted when its sends resume',
  // Read models: rebuilt from events (`npm run rebuild:marketing`), one row per entity or per day.
  'crm.lead_search': 'one row per lead (search index)',
  'crm.lead_tags': 'one row per tag of a lead (tag index)',
  'crm.lead_day_counts': 'per-day aggregate of leads',
  'automation.send_counts': 'per-hour and per-day aggregate of sends (kept by triggers on automation.sends)',
  'automation.send_event_counts': 'per-hour and per-day aggregate of send transitions (kept by triggers)',
  'crm.opportunity_totals': 'per-tenant aggregate of opportunities',
  'marketing.attribution_leads': 'read model: one row per lead',
  'marketing.attribution_opportunities': 'read model: one row per opportunity',
  'marketing.attribution_sales': 'read model: one row per sale',
  'marketing.attribution_daily': 'read model: per-day aggregate',
  'marketing.attribution_monthly': 'read model: per-month aggregate',
  'marketing.attribution_day_totals': 'read model: per-day aggregate',
  'marketing.read_model_tenants': 'read model: one row per tenant',
  'marketing.read_model_versions': 'read model: one row per tenant (the version of its report inputs)',
  'marketing.fx_rates': 'tenant settings: exchange rates a person entered',
  // Purged by their own job, not by RetentionModule.
  'meta_ads.held_webhooks': 'own purge: HeldWebhookReplay (HELD_WEBHOOK_RETENTION_HOURS), logged per tenant',
  'meta_ads.released_assets': 'own purge: HeldWebhookReplay (HELD_WEBHOOK_RETENTION_HOURS)',
  'marketing.report_snapshots': 'own purge: ReportSnapshotStore (SNAPSHOT_RETENTION_DAYS)',
};

/**
 * The schema's tables (information_schema) that neither a retention rule nor `KEPT_ON_PURPOSE` accounts for; the
 * entries of either that name no table of the schema (left behind by a dropped table); tables in both (which is it?).
 */
export async function retentionCoverage(
  owner: DataSource,
  schema: string,
  rules: readonly { table: string }[],
): Promise<{ uncovered: string[]; stale: string[]; both: string[] }> {
  const rows: { name: string }[] = await owner.query(
    `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`,
    [schema],
  );
  const tables = new Set(rows.map((row) => row.name));
  const purged = new Set(rules.map((rule) => rule.table));
  const kept = Object.keys(KEPT_ON_PURPOSE).filter((table) => table.startsWith(`${schema}.`));
  return {
    uncovered: [...tables].filter((table) => !purged.has(table) && !(table in KEPT_ON_PURPOSE)),
    stale: [...purged, ...kept].filter((table) => !tables.has(table)),
    both: [...purged].filter((table) => table in KEPT_ON_PURPOSE),
  };
}
