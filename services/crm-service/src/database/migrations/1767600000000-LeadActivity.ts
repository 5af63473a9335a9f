import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BACKFILL_LEAD_ACTIVITY_SQL } from '../../lead-360/lead-activity-store';

/**
 * `crm.lead_activity`: the append-only history of a lead (created and how, status changes, assignments,
 * opportunities, sales), written in the transaction that enqueues the matching outbox event. Rows written before
 * it existed are backfilled from what the rows still tell (creation, opportunities, sales; no actors).
 */
export class LeadActivity1767600000000 implements MigrationInterface {
  name = 'LeadActivity1767600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm.lead_activity (
        -- Ordered: entries written at the same instant keep the order they were written in.
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('created', 'status_changed', 'assigned', 'opportunity_created',
          'opportunity_won', 'opportunity_lost', 'opportunity_deadline_moved', 'sale_completed', 'sale_refunded')),
        at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        actor_user_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT lead_activity_lead_fkey FOREIGN KEY (tenant_id, lead_id)
          REFERENCES crm.leads (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX lead_activity_lead_at_idx ON crm.lead_activity (tenant_id, lead_id, at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION crm.lead_activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'crm.lead_activity is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER lead_activity_append_only BEFORE UPDATE ON crm.lead_activity
        FOR EACH ROW EXECUTE FUNCTION crm.lead_activity_append_only()`);
    await queryRunner.query(BACKFILL_LEAD_ACTIVITY_SQL, [null]);
    await enableTenantRls(queryRunner, 'crm.lead_activity');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'crm.lead_activity');
    await queryRunner.query(`DROP TABLE crm.lead_activity`);
    await queryRunner.query(`DROP FUNCTION crm.lead_activity_append_only()`);
  }
}
