import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, events out of order: `automation.lead_status_tombstones` keeps each lead's latest status change as the
 * rule engine heard it (`evt.crm.lead.status-changed`). Events are consumed by independent durables, so a lead's
 * status change may be handled before its `lead.created`; that event carries the lead's status at creation, and a
 * follow-up scheduled from it alone would ignore the change. With the tombstone, the late `lead.created` creates the
 * send already `cancelled`, with the words the cancellation would have used.
 */
export class LeadStatusTombstones1768600000000 implements MigrationInterface {
  name = 'LeadStatusTombstones1768600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE automation.lead_status_tombstones (
        tenant_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        status text NOT NULL,
        cause text NOT NULL,
        changed_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, lead_id)
      )`);
    await enableTenantRls(queryRunner, 'automation.lead_status_tombstones');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'automation.lead_status_tombstones');
    await queryRunner.query(`DROP TABLE automation.lead_status_tombstones`);
  }
}
