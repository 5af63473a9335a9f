import { appDatabaseRole, disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The HSM funnels read every send of the period (docs/BENCHMARKS.md "Runs 13–17": 48 ms of one query at 20,000
 * sends). Two roll-ups of `automation.sends`, kept exact by statement triggers in the writer's transaction, let the
 * funnels read a few thousand counts instead. Each send is counted twice, in the UTC day and in the UTC hour of its
 * `period_at` (`period_hours` 24 or 1, from `period_start`), so `FunnelsService` reads the period's whole UTC days
 * from day counts, the whole hours around them from hour counts and the partial hours at its edges from the sends:
 *
 * - `send_counts`: how many sends have each combination of the facts the funnel counts are derived from: rule,
 *   template, status, failure reason, which of delivered/read/replied are set, and the whole days (of 24 h, rounded
 *   up, 0..91, 91 meaning "over 90": `conversionDays` is 1..90) from `sent_at` to the first conversion and to the
 *   first opt-out. "Within N days" (`first_conversion_at <= sent_at + N days`) is exactly `converted_days <= N`.
 * - `send_event_counts`: per rule and UTC hour of the transition (`at_hour`), how many transitions the daily series
 *   counts (sent, delivered, read, replied: the send is sent and has that timestamp; failed: it is failed, at
 *   `failed_at` else `updated_at`) fall in each quarter of that hour (`*_00` … `*_45`). Local days in use start on
 *   quarter hours (offsets and clock changes are whole quarters, e.g. Asia/Kathmandu +5:45), so the series places
 *   each quarter on its local day; the reader checks that the period's day starts are on quarters.
 *
 * Every inserted row adds 1 to its buckets, every updated row 1 to its new ones and -1 to its old ones (no join of
 * `new_rows` and `old_rows`: see crm 1768900000196), every deleted row lowers the buckets that exist; only buckets
 * whose change is not 0 are written, in key order, so an update that moves nothing (a lease, an attempt) locks none.
 * Buckets that reach 0 stay (the reader skips them). The function is the owner's (SECURITY DEFINER): the app role
 * reads its tenant's rows and cannot write counts by hand.
 *
 * Backfill: ~2.8 s per 100,000 sends (268,000 sends in 7.3–7.8 s with the migration's DDL, on the 2-core dev machine
 * under load 4–5).
 */
export class SendCounts1768900000311 implements MigrationInterface {
  name = 'SendCounts1768900000311';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill reads every tenant's sends: row-level security is forced, even for the owner.
    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      CREATE TABLE automation.send_counts (
        tenant_id uuid NOT NULL,
        period_hours smallint NOT NULL CHECK (period_hours IN (1, 24)),
        period_start timestamptz NOT NULL,
        rule_key text NOT NULL,
        template_name text,
        status text NOT NULL,
        reason text,
        delivered boolean NOT NULL,
        read boolean NOT NULL,
        replied boolean NOT NULL,
        converted_days smallint,
        opted_out_days smallint,
        sends bigint NOT NULL,
        CONSTRAINT send_counts_bucket_key UNIQUE NULLS NOT DISTINCT
          (tenant_id, period_hours, period_start, rule_key, template_name, status, reason, delivered, read, replied, converted_days,
           opted_out_days)
      )`);
    await queryRunner.query(`
      CREATE TABLE automation.send_event_counts (
        tenant_id uuid NOT NULL,
        period_hours smallint NOT NULL CHECK (period_hours IN (1, 24)),
        period_start timestamptz NOT NULL,
        rule_key text NOT NULL,
        at_hour timestamptz NOT NULL,
        ${EVENT_COLUMNS.map((column) => `${column} bigint NOT NULL`).join(',\n        ')},
        CONSTRAINT send_event_counts_bucket_key UNIQUE (tenant_id, period_hours, period_start, rule_key, at_hour)
      )`);
    for (const table of TABLES) {
      await enableTenantRls(queryRunner, table);
      await queryRunner.query(`REVOKE INSERT, UPDATE, DELETE ON ${table} FROM ${appDatabaseRole()}`);
    }
    await queryRunner.query(upsertFacts(facts('automation.sends', 1)));
    await queryRunner.query(upsertEvents(events('automation.sends', 1)));

    await queryRunner.query(`
      CREATE FUNCTION automation.send_counts_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${upsertFacts(facts('new_rows', 1))};
          ${upsertEvents(events('new_rows', 1))};
        ELSIF TG_OP = 'UPDATE' THEN
          ${upsertFacts(`${facts('new_rows', 1)} UNION ALL ${facts('old_rows', -1)}`)};
          ${upsertEvents(`${events('new_rows', 1)} UNION ALL ${events('old_rows', -1)}`)};
        ELSE
          ${subtractFacts(facts('old_rows', 1))};
          ${subtractEvents(events('old_rows', 1))};
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION automation.send_counts_sync() FROM PUBLIC`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER send_counts_${event.toLowerCase()} AFTER ${event} ON automation.sends
          REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION automation.send_counts_sync()`);
    }
    await queryRunner.query(`ANALYZE automation.send_counts, automation.send_event_counts`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete']) {
      await queryRunner.query(`DROP TRIGGER send_counts_${event} ON automation.sends`);
    }
    await queryRunner.query(`DROP FUNCTION automation.send_counts_sync()`);
    for (const table of TABLES) {
      await disableTenantRls(queryRunner, table);
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}

const TABLES = ['automation.send_counts', 'automation.send_event_counts'];
const KINDS = ['sent', 'delivered', 'read', 'replied', 'failed'];
const MINUTES = ['00', '15', '30', '45'];
const EVENT_COLUMNS = KINDS.flatMap((kind) => MINUTES.map((minute) => `${kind}_${minute}`));
/** UTC hours and quarters (`date_bin` is plain arithmetic from this origin, whatever the session's time zone). */
const ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;
const SENT = `status IN ('sent', 'delivered', 'read', 'replied')`;

/** The send's UTC day and UTC hour. */
const PERIODS = `CROSS JOIN LATERAL (VALUES (24::smallint), (1::smallint)) p (period_hours)`;
const PERIOD_START = `date_bin(p.period_hours * interval '1 hour', period_at, ${ORIGIN})`;

const FACT_KEY = `tenant_id, period_hours, period_start, rule_key, template_name, status, reason, delivered, read, replied, converted_days,
                  opted_out_days`;
/** Whole days (of 24 h) from `sent_at` to `at`, rounded up, within 0..91; null when either is. */
const daysAfterSent = (at: string) =>
  `(CASE WHEN ${at} > sent_at THEN least(ceil(extract(epoch FROM ${at} - sent_at) / 86400), 91)
         WHEN ${at} <= sent_at THEN 0 END)::smallint`;

/** Each row of `source` as its two `send_counts` buckets with `sign`. */
const facts = (source: string, sign: number) => `
            SELECT tenant_id, p.period_hours, ${PERIOD_START} AS period_start, rule_key, template_name, status,
                   CASE WHEN status = 'failed' THEN coalesce(error->>'reason', error->>'code', 'unknown') END AS reason,
                   delivered_at IS NOT NULL AS delivered, read_at IS NOT NULL AS read,
                   replied_at IS NOT NULL AS replied, ${daysAfterSent('first_conversion_at')} AS converted_days,
                   ${daysAfterSent('first_opt_out_at')} AS opted_out_days, ${sign} AS sign
              FROM ${source} ${PERIODS}`;

/** The transitions the daily series counts of each row of `source`, with `sign`: kind, UTC hour and its quarter. */
const events = (source: string, sign: number) => `
            SELECT tenant_id, p.period_hours, ${PERIOD_START} AS period_start, rule_key, e.kind,
                   date_bin('1 hour', e.at, ${ORIGIN}) AS at_hour,
                   extract(epoch FROM date_bin('15 minutes', e.at, ${ORIGIN}) - date_bin('1 hour', e.at, ${ORIGIN}))
                     / 60 AS minute,
                   ${sign} AS sign
              FROM ${source} ${PERIODS}
             CROSS JOIN LATERAL (VALUES
                   ('sent', CASE WHEN ${SENT} THEN sent_at END),
                   ('delivered', CASE WHEN ${SENT} THEN delivered_at END),
                   ('read', CASE WHEN ${SENT} THEN read_at END),
                   ('replied', CASE WHEN ${SENT} THEN replied_at END),
                   ('failed', CASE WHEN status = 'failed' THEN coalesce(failed_at, updated_at) END)) e (kind, at)
             WHERE e.at IS NOT NULL`;

const eventSums = EVENT_COLUMNS.map((column) => {
  const [kind, minute] = column.split('_');
  return `coalesce(sum(sign) FILTER (WHERE kind = '${kind}' AND minute = ${Number(minute)}), 0) AS ${column}`;
}).join(',\n                   ');

/** Adds the changes' signs to their buckets, in bucket order (two writers lock shared buckets in the same order). */
const upsertFacts = (changes: string) => `
          INSERT INTO automation.send_counts AS t (${FACT_KEY}, sends)
          SELECT ${FACT_KEY}, sum(sign) FROM (${changes}) changes
           GROUP BY ${FACT_KEY}
          HAVING sum(sign) <> 0
           ORDER BY ${FACT_KEY}
          ON CONFLICT ON CONSTRAINT send_counts_bucket_key DO UPDATE SET sends = t.sends + excluded.sends`;

const upsertEvents = (changes: string) => `
          INSERT INTO automation.send_event_counts AS t (tenant_id, period_hours, period_start, rule_key, at_hour, ${EVENT_COLUMNS.join(', ')})
          SELECT * FROM (
            SELECT tenant_id, period_hours, period_start, rule_key, at_hour,
                   ${eventSums}
              FROM (${changes}) changes
             GROUP BY tenant_id, period_hours, period_start, rule_key, at_hour) sums
           WHERE (${EVENT_COLUMNS.join(', ')}) IS DISTINCT FROM (${EVENT_COLUMNS.map(() => '0').join(', ')})
           ORDER BY tenant_id, period_hours, period_start, rule_key, at_hour
          ON CONFLICT ON CONSTRAINT send_event_counts_bucket_key DO UPDATE
            SET ${EVENT_COLUMNS.map((column) => `${column} = t.${column} + excluded.${column}`).join(', ')}`;

/**
 * A delete lowers only the buckets that exist (every deleted send was counted): when a tenant is deleted its buckets
 * may already be gone, and writing them back would leave negative rows behind.
 */
const subtractFacts = (gone: string) => `
          UPDATE automation.send_counts t SET sends = t.sends - g.n
            FROM (SELECT ${FACT_KEY}, count(*) AS n FROM (${gone}) gone
                   GROUP BY ${FACT_KEY} ORDER BY ${FACT_KEY}) g
           WHERE t.tenant_id = g.tenant_id AND t.period_hours = g.period_hours AND t.period_start = g.period_start
             AND t.rule_key = g.rule_key AND t.status = g.status
             AND (t.template_name, t.reason, t.delivered, t.read, t.replied, t.converted_days, t.opted_out_days)
                 IS NOT DISTINCT FROM
                 (g.template_name, g.reason, g.delivered, g.read, g.replied, g.converted_days, g.opted_out_days)`;

const subtractEvents = (gone: string) => `
          UPDATE automation.send_event_counts t
             SET ${EVENT_COLUMNS.map((column) => `${column} = t.${column} - g.${column}`).join(', ')}
            FROM (SELECT tenant_id, period_hours, period_start, rule_key, at_hour,
                         ${eventSums}
                    FROM (${gone}) gone
                   GROUP BY tenant_id, period_hours, period_start, rule_key, at_hour ORDER BY tenant_id, period_hours, period_start, rule_key, at_hour) g
           WHERE t.tenant_id = g.tenant_id AND t.period_hours = g.period_hours AND t.period_start = g.period_start
             AND t.rule_key = g.rule_key AND t.at_hour = g.at_hour`;
