import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The HSM funnels read every send of the period on each open of the HSM page and on each live reconnect; with two
 * lookups into `lead_outcomes` per sent row that was the largest PostgreSQL cost of the load bench. Now each send
 * carries what those lookups found, so the funnels are one aggregate over the period's sends:
 *
 * - `first_conversion_at` / `first_opt_out_at`: the earliest opportunity or sale (opt-out) of the send's lead after
 *   its `sent_at`. "Converted within N days" is `first_conversion_at <= sent_at + N days`, the same answer as "an
 *   outcome in (sent_at, sent_at + N days]" for every N. Kept from both sides: `FunnelsService.recordOutcome`
 *   lowers them on the lead's sends when an outcome comes in; the trigger below sets them from `lead_outcomes` when
 *   a send's `sent_at` is written (a status webhook may bring it after the outcome, e.g. an `unknown` send settled
 *   late). A trigger rather than each writer: `applyLocked` is the only one in the service, but fixtures, seeds and
 *   the bench insert sent rows directly, and one rule at the table cannot be missed by a future writer.
 *   Deleting outcomes does not touch the sends: a conversion already counted stays counted. `lead_outcomes` has no
 *   retention today; if it gets one, only a send whose `sent_at` is written after the purge misses a purged outcome,
 *   and such an outcome (older than the retention) is before that send anyway.
 * - `period_at`: the instant a send belongs to a period by (sent, else failed, else due), as a stored column with
 *   an index. Under row-level security PostgreSQL will not use an index on the `coalesce(...)` expression for the
 *   range (it cannot prove `coalesce` leak-proof, so the condition waits until after the policy), while a plain
 *   column compares with a leak-proof operator and becomes the index condition.
 * - `recordOutcome` finds a lead's sends of every status, so (tenant_id, lead_id) gets a full index; it replaces the
 *   partial one for scheduled sends (a lead has a handful of sends).
 */
export class SendFunnelColumns1768900000310 implements MigrationInterface {
  name = 'SendFunnelColumns1768900000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill below touches every tenant's rows: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      ALTER TABLE automation.sends
        ADD COLUMN first_conversion_at timestamptz,
        ADD COLUMN first_opt_out_at timestamptz,
        ADD COLUMN period_at timestamptz GENERATED ALWAYS AS (coalesce(sent_at, failed_at, due_at)) STORED`);
    await queryRunner.query(`
      UPDATE automation.sends s
         SET first_conversion_at = o.first_conversion_at, first_opt_out_at = o.first_opt_out_at
        FROM (
          SELECT s.id,
                 min(o.at) FILTER (WHERE o.kind IN ('opportunity', 'sale')) AS first_conversion_at,
                 min(o.at) FILTER (WHERE o.kind = 'opted_out') AS first_opt_out_at
            FROM automation.sends s
            JOIN automation.lead_outcomes o
              ON o.tenant_id = s.tenant_id AND o.lead_id = s.lead_id AND o.at > s.sent_at
           GROUP BY s.id) o
       WHERE s.id = o.id`);

    await queryRunner.query(`
      CREATE FUNCTION automation.sends_first_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.sent_at IS NULL THEN
          NEW.first_conversion_at := NULL;
          NEW.first_opt_out_at := NULL;
        ELSE
          SELECT min(at) FILTER (WHERE kind IN ('opportunity', 'sale')), min(at) FILTER (WHERE kind = 'opted_out')
            INTO NEW.first_conversion_at, NEW.first_opt_out_at
            FROM automation.lead_outcomes
           WHERE tenant_id = NEW.tenant_id AND lead_id = NEW.lead_id AND at > NEW.sent_at;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER sends_first_outcomes_insert BEFORE INSERT ON automation.sends
        FOR EACH ROW WHEN (NEW.sent_at IS NOT NULL) EXECUTE FUNCTION automation.sends_first_outcomes()`);
    await queryRunner.query(`
      CREATE TRIGGER sends_first_outcomes_update BEFORE UPDATE OF sent_at, lead_id ON automation.sends
        FOR EACH ROW WHEN (NEW.sent_at IS DISTINCT FROM OLD.sent_at OR NEW.lead_id IS DISTINCT FROM OLD.lead_id)
        EXECUTE FUNCTION automation.sends_first_outcomes()`);

    await queryRunner.query(
      `CREATE INDEX sends_tenant_period_idx ON automation.sends (tenant_id, period_at)`,
    );
    await queryRunner.query(`CREATE INDEX sends_tenant_lead_idx ON automation.sends (tenant_id, lead_id)`);
    await queryRunner.query(`DROP INDEX automation.sends_tenant_lead_scheduled_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX sends_tenant_lead_scheduled_idx ON automation.sends (tenant_id, lead_id) WHERE status = 'scheduled'`,
    );
    await queryRunner.query(`DROP INDEX automation.sends_tenant_lead_idx`);
    await queryRunner.query(`DROP INDEX automation.sends_tenant_period_idx`);
    await queryRunner.query(`DROP TRIGGER sends_first_outcomes_update ON automation.sends`);
    await queryRunner.query(`DROP TRIGGER sends_first_outcomes_insert ON automation.sends`);
    await queryRunner.query(`DROP FUNCTION automation.sends_first_outcomes()`);
    await queryRunner.query(`
      ALTER TABLE automation.sends
        DROP COLUMN period_at,
        DROP COLUMN first_opt_out_at,
        DROP COLUMN first_conversion_at`);
  }
}
