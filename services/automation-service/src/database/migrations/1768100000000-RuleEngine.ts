import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, the rule engine. `built_in` is derived from the key (built-in keys vs `r_<12 hex>`). Rules get their full model (name, trigger, conditions, header/body/button mapping,
 * free-form text, send window, limits, created_at, soft delete); sends are unique per occurrence
 * (`occurrence_key`, e.g. `opportunity_reminder:<opportunity>:<deadline ms>`) instead of per (rule, lead), and
 * name the opportunity or sale they are about. Existing rows stay valid: a rule row is the built-in
 * `lead_followup` (trigger `lead.created`, body mapping = its `variable_mapping`), and an existing send's
 * occurrence is `<rule>:<lead>` — exactly what the old unique key meant. An insert without an occurrence key gets
 * that same default (trigger), so old writers keep their once-per-lead meaning.
 */
export class RuleEngine1768100000000 implements MigrationInterface {
  name = 'RuleEngine1768100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE automation.rules
        ADD COLUMN name text,
        ADD COLUMN built_in boolean NOT NULL GENERATED ALWAYS AS (key !~ '^r_') STORED,
        ADD COLUMN trigger jsonb NOT NULL DEFAULT '{"type":"lead.created"}'::jsonb
          CHECK (jsonb_typeof(trigger) = 'object' AND trigger ? 'type'),
        ADD COLUMN conditions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(conditions) = 'object'),
        ADD COLUMN mapping jsonb NOT NULL DEFAULT '{"header":[],"body":[],"buttons":[]}'::jsonb
          CHECK (jsonb_typeof(mapping) = 'object'),
        ADD COLUMN free_form_text text,
        ADD COLUMN send_window jsonb,
        ADD COLUMN limits jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(limits) = 'object'),
        ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN deleted_at timestamptz`);
    await queryRunner.query(`
      UPDATE automation.rules
         SET created_at = updated_at,
             trigger = CASE key
               WHEN 'opportunity_reminder' THEN '{"type":"opportunity.deadline"}'::jsonb
               WHEN 'post_sale_feedback' THEN '{"type":"sale.completed"}'::jsonb
               ELSE '{"type":"lead.created"}'::jsonb END,
             mapping = jsonb_build_object('header', '[]'::jsonb, 'body', variable_mapping, 'buttons', '[]'::jsonb)`);
    // A rule may send at the moment of its event (delay 0); built-in rules are never deleted.
    await queryRunner.query(`ALTER TABLE automation.rules DROP CONSTRAINT rules_delay_seconds_check`);
    await queryRunner.query(`
      ALTER TABLE automation.rules
        ADD CONSTRAINT rules_delay_seconds_check CHECK (delay_seconds >= 0),
        ADD CONSTRAINT rules_built_in_not_deleted CHECK (NOT (built_in AND deleted_at IS NOT NULL))`);

    await queryRunner.query(`
      ALTER TABLE automation.sends
        ADD COLUMN occurrence_key text,
        ADD COLUMN opportunity_id uuid,
        ADD COLUMN sale_id uuid`);
    await queryRunner.query(`UPDATE automation.sends SET occurrence_key = rule_key || ':' || lead_id`);
    await queryRunner.query(`
      CREATE FUNCTION automation.sends_default_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.occurrence_key IS NULL THEN
          NEW.occurrence_key := NEW.rule_key || ':' || NEW.lead_id;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER sends_default_occurrence BEFORE INSERT ON automation.sends
        FOR EACH ROW EXECUTE FUNCTION automation.sends_default_occurrence()`);
    await queryRunner.query(`
      ALTER TABLE automation.sends
        ALTER COLUMN occurrence_key SET NOT NULL,
        ADD CONSTRAINT sends_occurrence_key_length CHECK (length(occurrence_key) BETWEEN 1 AND 200),
        DROP CONSTRAINT sends_tenant_rule_lead_key,
        ADD CONSTRAINT sends_tenant_occurrence_key UNIQUE (tenant_id, occurrence_key)`);
    // Cancellation looks sends up by lead, opportunity and sale while they are still scheduled.
    await queryRunner.query(
      `CREATE INDEX sends_tenant_lead_scheduled_idx ON automation.sends (tenant_id, lead_id) WHERE status = 'scheduled'`,
    );
    await queryRunner.query(
      `CREATE INDEX sends_tenant_opportunity_idx ON automation.sends (tenant_id, opportunity_id) WHERE opportunity_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX sends_tenant_sale_idx ON automation.sends (tenant_id, sale_id) WHERE sale_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX automation.sends_tenant_sale_idx`);
    await queryRunner.query(`DROP INDEX automation.sends_tenant_opportunity_idx`);
    await queryRunner.query(`DROP INDEX automation.sends_tenant_lead_scheduled_idx`);
    await queryRunner.query(`
      ALTER TABLE automation.sends
        DROP CONSTRAINT sends_tenant_occurrence_key,
        ADD CONSTRAINT sends_tenant_rule_lead_key UNIQUE (tenant_id, rule_key, lead_id),
        DROP COLUMN occurrence_key, DROP COLUMN opportunity_id, DROP COLUMN sale_id`);
    await queryRunner.query(`DROP TRIGGER sends_default_occurrence ON automation.sends`);
    await queryRunner.query(`DROP FUNCTION automation.sends_default_occurrence()`);
    await queryRunner.query(`
      ALTER TABLE automation.rules
        DROP CONSTRAINT rules_built_in_not_deleted,
        DROP CONSTRAINT rules_delay_seconds_check,
        ADD CONSTRAINT rules_delay_seconds_check CHECK (delay_seconds > 0)`);
    await queryRunner.query(`
      ALTER TABLE automation.rules
        DROP COLUMN name, DROP COLUMN built_in, DROP COLUMN trigger, DROP COLUMN conditions, DROP COLUMN mapping,
        DROP COLUMN free_form_text, DROP COLUMN send_window, DROP COLUMN limits, DROP COLUMN created_at,
        DROP COLUMN deleted_at`);
  }
}
