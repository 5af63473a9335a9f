import type { MigrationInterface, QueryRunner } from 'typeorm';

const RULE_KEYS = `'lead_followup'`;
const SEND_STATUSES = `'scheduled', 'sending', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped'`;

/** Creates every table of the `automation` schema. Append-only: later changes go in new migrations. */
export class CreateAutomationTables1767225600300 implements MigrationInterface {
  name = 'CreateAutomationTables1767225600300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE automation.rules (
        tenant_id uuid NOT NULL,
        key text NOT NULL CHECK (key IN (${RULE_KEYS})),
        enabled boolean NOT NULL DEFAULT false,
        delay_seconds int NOT NULL DEFAULT 86400 CHECK (delay_seconds > 0),
        template_name text,
        template_language text,
        variable_mapping jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(variable_mapping) = 'array'),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);

    await queryRunner.query(`
      CREATE TABLE automation.sends (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        rule_key text NOT NULL CHECK (rule_key IN (${RULE_KEYS})),
        lead_id uuid NOT NULL,
        phone text,
        lead_name text,
        template_name text,
        template_language text,
        status text NOT NULL CHECK (status IN (${SEND_STATUSES})),
        manual boolean NOT NULL DEFAULT false,
        due_at timestamptz NOT NULL,
        wamid text,
        error jsonb,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        delivered_at timestamptz,
        read_at timestamptz,
        replied_at timestamptz,
        failed_at timestamptz,
        CONSTRAINT sends_tenant_rule_lead_key UNIQUE (tenant_id, rule_key, lead_id),
        CONSTRAINT sends_wamid_key UNIQUE (wamid),
        CONSTRAINT sends_tenant_id_id_key UNIQUE (tenant_id, id)
      )`);
    // The scheduler's claim: due rows in due order.
    await queryRunner.query(
      `CREATE INDEX sends_scheduled_due_idx ON automation.sends (due_at) WHERE status = 'scheduled'`,
    );
    // The stuck-send sweep.
    await queryRunner.query(
      `CREATE INDEX sends_sending_idx ON automation.sends (updated_at) WHERE status = 'sending'`,
    );
    await queryRunner.query(
      `CREATE INDEX sends_tenant_created_idx ON automation.sends (tenant_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX sends_tenant_phone_idx ON automation.sends (tenant_id, phone)`);

    await queryRunner.query(`
      CREATE TABLE automation.send_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        send_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN (${SEND_STATUSES})),
        detail text,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT send_events_send_fkey FOREIGN KEY (tenant_id, send_id)
          REFERENCES automation.sends (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX send_events_tenant_send_idx ON automation.send_events (tenant_id, send_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE automation.send_events`);
    await queryRunner.query(`DROP TABLE automation.sends`);
    await queryRunner.query(`DROP TABLE automation.rules`);
  }
}
