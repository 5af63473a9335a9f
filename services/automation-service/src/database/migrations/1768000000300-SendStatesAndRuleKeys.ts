import type { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_STATUSES = `'scheduled', 'sending', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped'`;
const STATUSES = `${OLD_STATUSES}, 'unknown', 'cancelled'`;
const KEY_PATTERN = `'^(lead_followup|opportunity_reminder|post_sale_feedback|r_[0-9a-f]{12})$'`;

/**
 * Issue 7: sends can be `unknown` (the request left us, nothing settled it) or `cancelled` (the condition stopped
 * holding before the send was due); rules are the three built-in keys or user rules `r_<12 hex>`; a rule can be
 * paused by the system (its template paused or disabled by Meta) with the reason the ceo sees.
 */
export class SendStatesAndRuleKeys1768000000300 implements MigrationInterface {
  name = 'SendStatesAndRuleKeys1768000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE automation.rules DROP CONSTRAINT rules_key_check`);
    await queryRunner.query(
      `ALTER TABLE automation.rules ADD CONSTRAINT rules_key_check CHECK (key ~ ${KEY_PATTERN})`,
    );
    await queryRunner.query(`ALTER TABLE automation.sends DROP CONSTRAINT sends_rule_key_check`);
    await queryRunner.query(
      `ALTER TABLE automation.sends ADD CONSTRAINT sends_rule_key_check CHECK (rule_key ~ ${KEY_PATTERN})`,
    );
    for (const table of ['sends', 'send_events']) {
      await queryRunner.query(`ALTER TABLE automation.${table} DROP CONSTRAINT ${table}_status_check`);
      await queryRunner.query(
        `ALTER TABLE automation.${table} ADD CONSTRAINT ${table}_status_check CHECK (status IN (${STATUSES}))`,
      );
    }
    await queryRunner.query(`
      ALTER TABLE automation.rules
        ADD COLUMN paused_reason text CHECK (paused_reason IN ('template_paused', 'template_disabled', 'token_expired')),
        ADD COLUMN paused_message text,
        ADD COLUMN paused_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE automation.rules DROP COLUMN paused_reason, DROP COLUMN paused_message, DROP COLUMN paused_at`,
    );
    for (const table of ['sends', 'send_events']) {
      await queryRunner.query(`ALTER TABLE automation.${table} DROP CONSTRAINT ${table}_status_check`);
      await queryRunner.query(
        `ALTER TABLE automation.${table} ADD CONSTRAINT ${table}_status_check CHECK (status IN (${OLD_STATUSES}))`,
      );
    }
    await queryRunner.query(`ALTER TABLE automation.sends DROP CONSTRAINT sends_rule_key_check`);
    await queryRunner.query(
      `ALTER TABLE automation.sends ADD CONSTRAINT sends_rule_key_check CHECK (rule_key IN ('lead_followup'))`,
    );
    await queryRunner.query(`ALTER TABLE automation.rules DROP CONSTRAINT rules_key_check`);
    await queryRunner.query(
      `ALTER TABLE automation.rules ADD CONSTRAINT rules_key_check CHECK (key IN ('lead_followup'))`,
    );
  }
}
