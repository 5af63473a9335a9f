import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel automation-service LISTENs on (see src/live/send-event-listener.ts). */
export const SEND_EVENT_CHANNEL = 'automation_send_event';

/**
 * Issue 7, the HSM page:
 * - every committed row of `automation.send_events` is announced with `pg_notify` (delivered at commit, never for a
 *   rolled-back transition). The payload stays small (a NOTIFY payload is capped at 8000 bytes): ids, status, time
 *   and the first 200 characters of the detail. Each replica LISTENs; one of them publishes it on core NATS.
 * - `automation.lead_outcomes`: opportunities, sales and opt-outs per lead, consumed from the CRM events, so the
 *   funnels can count a message as converted (or as the one before an opt-out) when one follows it within N days.
 */
export class LiveSendEventsAndLeadOutcomes1768500000000 implements MigrationInterface {
  name = 'LiveSendEventsAndLeadOutcomes1768500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION automation.notify_send_event() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        send record;
      BEGIN
        SELECT rule_key, lead_id INTO send FROM automation.sends WHERE tenant_id = NEW.tenant_id AND id = NEW.send_id;
        PERFORM pg_notify('${SEND_EVENT_CHANNEL}', json_build_object(
          'id', NEW.id::text,
          'tenantId', NEW.tenant_id,
          'sendId', NEW.send_id,
          'ruleKey', send.rule_key,
          'leadId', send.lead_id,
          'status', NEW.status,
          'at', NEW.at,
          'detail', left(NEW.detail, 200)
        )::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER send_events_notify AFTER INSERT ON automation.send_events
        FOR EACH ROW EXECUTE FUNCTION automation.notify_send_event()`);

    await queryRunner.query(`
      CREATE TABLE automation.lead_outcomes (
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('opportunity', 'sale', 'opted_out')),
        entity_id text NOT NULL,
        lead_id uuid NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, kind, entity_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX lead_outcomes_tenant_lead_at_idx ON automation.lead_outcomes (tenant_id, lead_id, at)`,
    );
    await enableTenantRls(queryRunner, 'automation.lead_outcomes');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'automation.lead_outcomes');
    await queryRunner.query(`DROP TABLE automation.lead_outcomes`);
    await queryRunner.query(`DROP TRIGGER send_events_notify ON automation.send_events`);
    await queryRunner.query(`DROP FUNCTION automation.notify_send_event()`);
  }
}
