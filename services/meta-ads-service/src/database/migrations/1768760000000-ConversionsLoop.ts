import { disableTenantRls, enableTenantRls, leaseColumnsSql } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 8: the Conversions API loop. `conversion_settings` is the tenant's choice (on/off, dataset, which pipeline
 * point sends which event); `conversion_events` is the outbox and the log: one row per (tenant, lead, event name),
 * so a lead sends each event at most once, ever; a `DurableWorker` sends due rows with leases (`leaseColumnsSql`).
 */
export class ConversionsLoop1768760000000 implements MigrationInterface {
  name = 'ConversionsLoop1768760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.conversion_settings (
        tenant_id uuid PRIMARY KEY,
        enabled boolean NOT NULL DEFAULT false,
        dataset_id text CHECK (dataset_id ~ '^[0-9]{6,20}$'),
        qualified_event text CHECK (qualified_event IN ('Lead', 'QualifiedLead')),
        opportunity_event text CHECK (opportunity_event IN ('Lead', 'QualifiedLead')),
        won_event text CHECK (won_event = 'Purchase'),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE meta_ads.conversion_events (
        tenant_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        event_name text NOT NULL CHECK (event_name IN ('Lead', 'QualifiedLead', 'Purchase')),
        point text NOT NULL CHECK (point IN ('qualified', 'opportunity', 'won')),
        event_id text NOT NULL UNIQUE,
        dataset_id text NOT NULL,
        keyed_by text NOT NULL CHECK (keyed_by IN ('lead_id', 'ctwa_clid')),
        event_time timestamptz NOT NULL,
        value numeric(14, 2),
        currency text,
        server_event jsonb NOT NULL,
        fbtrace_id text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, lead_id, event_name)
      )`);
    for (const sql of leaseColumnsSql('meta_ads.conversion_events')) await queryRunner.query(sql);
    await queryRunner.query(`
      CREATE INDEX conversion_events_due_idx ON meta_ads.conversion_events (next_attempt_at)
        WHERE sent_at IS NULL AND parked_at IS NULL`);
    await queryRunner.query(
      `CREATE INDEX conversion_events_log_idx ON meta_ads.conversion_events (tenant_id, created_at DESC)`,
    );
    await enableTenantRls(queryRunner, 'meta_ads.conversion_settings');
    await enableTenantRls(queryRunner, 'meta_ads.conversion_events');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'meta_ads.conversion_events');
    await disableTenantRls(queryRunner, 'meta_ads.conversion_settings');
    await queryRunner.query(`DROP TABLE meta_ads.conversion_events`);
    await queryRunner.query(`DROP TABLE meta_ads.conversion_settings`);
  }
}
