import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type AutomationMetricsV2,
  type FunnelsRequest,
  type LeadOptedOutEvent,
  type OpportunityCreatedEvent,
  type SaleCompletedEvent,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { DateTime } from 'luxon';
import { daysBetween, emptyCounts, toFunnel, type FunnelCounts } from './funnel-rates';

export const DEFAULT_CONVERSION_DAYS = 7;
const DEFAULT_PERIOD_DAYS = 30;
const MAX_PERIOD_DAYS = 366;

/** Counts arrive as JSON numbers (`json_agg`). */
type GroupRow = {
  rule_key: string;
  template_name: string | null;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  opted_out: number;
  converted: number;
};
type ReasonRow = { rule_key: string; template_name: string | null; reason: string; count: number };
/** `day`: the day's position in the series, from 1. */
type DailyRow = {
  day: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
};
type FunnelsRow = { groups: GroupRow[]; reasons: ReasonRow[]; daily: DailyRow[]; on_quarters: boolean };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** `send_counts` keeps the days to a conversion up to 90 (91: later); a longer window reads the sends. */
const MAX_ROLLED_UP_CONVERSION_DAYS = 90;
const SENT = `status IN ('sent', 'delivered', 'read', 'replied')`;
const KINDS = ['sent', 'delivered', 'read', 'replied', 'failed'] as const;
const MINUTES = ['00', '15', '30', '45'];
/** `send_event_counts`' columns (`sent_00` … `failed_45`) summed, and as one row per quarter of the hour. */
const EVENT_SUMS = KINDS.flatMap((kind) =>
  MINUTES.map((minute) => `sum(${kind}_${minute}) AS ${kind}_${minute}`),
);
const QUARTERS = MINUTES.map(
  (minute) => `(${Number(minute)}, ${KINDS.map((kind) => `${kind}_${minute}`).join(', ')})`,
);
/** The roll-up rows of the period: its whole UTC days `[$11, $12)`, and whole UTC hours `[$9, $11)`, `[$12, $10)`. */
const ROLLED_UP = `tenant_id = $1 AND ($5::text IS NULL OR rule_key = $5)
       AND ((period_hours = 24 AND period_start >= $11 AND period_start < $12)
            OR (period_hours = 1 AND ((period_start >= $9 AND period_start < $11) OR (period_start >= $12 AND period_start < $10))))`;

/**
 * The period's sends (`period_at`: when it went out, else when it failed, else when it is due) as groups of the raw
 * facts the answers need, read from the roll-ups of migration 1768900000311 (its whole UTC days from day counts, the
 * whole UTC hours around them from hour counts) and from the sends themselves in the partial hours at its edges
 * (`[$2, $9)` and `[$10, $3)`, at most two hours of sends). The status rules below then run per group (`f`). `sent`
 * means it reached WhatsApp and did not fail afterwards; a failed send is never sent, delivered, read or replied.
 * Conversions and opt-outs count once per sent send, when the lead's first opportunity, sale or opt-out after the
 * message (kept on the send, see migration 1768900000310) is within `$4` days of it: the whole days to it, rounded
 * up, are at most `$4`.
 *
 * The daily series counts each transition on its local day in `$6`, by placing it among the instants the series'
 * days start at (`width_bucket`, `$7`..`$8` and the day after), computed once with PostgreSQL's own time zone rules:
 * local midnight, or when a clock change skips or repeats midnight (e.g. America/Santiago, America/Havana), the first
 * instant of that local date (found among the quarter hours up to two hours before the wall-clock midnight: clock
 * changes are whole quarter hours of at most two hours). The roll-ups place a transition by its UTC quarter hour
 * (summed over the period first, so each quarter is placed once), which is exact when every day start is on a quarter
 * hour (`on_quarters`). In PostgreSQL's zone rules every zone's UTC offset from 1980 to 2040 is a whole number of
 * quarter hours (e.g. Asia/Kathmandu +5:45, Australia/Eucla +8:45; checked weekly for every zone); before that some
 * are not (Africa/Monrovia -0:44:30 until 1972), and such a period is read again from the sends alone.
 */
const FUNNELS_SQL = `
  WITH day_starts AS (
    SELECT array_agg(start ORDER BY day) AS starts,
           bool_and(start = date_bin('15 minutes', start, timestamptz '2000-01-01 00:00:00+00')) AS on_quarters
      FROM (
      SELECT day, min(candidate) AS start
        FROM generate_series($7::timestamp, $8::timestamp + interval '1 day', interval '1 day') AS day,
             generate_series(0, 8) AS step,
             LATERAL (SELECT (day AT TIME ZONE $6) - step * interval '15 minutes' AS candidate) c
       WHERE (candidate AT TIME ZONE $6)::date = day::date
       GROUP BY day) d
  ), edges AS (
    SELECT rule_key, template_name, status, error, sent_at, delivered_at, read_at, replied_at, failed_at, updated_at,
           first_conversion_at, first_opt_out_at
      FROM automation.sends
     WHERE tenant_id = $1 AND period_at >= $2 AND period_at < $3 AND (period_at < $9 OR period_at >= $10)
       AND ($5::text IS NULL OR rule_key = $5)
  ), g AS (
    SELECT rule_key, template_name, status, reason, delivered AS has_delivered, read AS has_read,
           replied AS has_replied, converted_days, opted_out_days, sum(sends) AS n
      FROM automation.send_counts
     WHERE ${ROLLED_UP}
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(sends) <> 0
    UNION ALL
    SELECT rule_key, template_name, status,
      CASE WHEN status = 'failed' THEN coalesce(error->>'reason', error->>'code', 'unknown') END,
      delivered_at IS NOT NULL, read_at IS NOT NULL, replied_at IS NOT NULL,
      ceil(extract(epoch FROM first_conversion_at - sent_at) / 86400),
      ceil(extract(epoch FROM first_opt_out_at - sent_at) / 86400), 1
      FROM edges
  ), f AS (
    SELECT rule_key, template_name, reason, n,
      status IN ('sent', 'delivered', 'read', 'replied') AS is_sent,
      status IN ('delivered', 'read', 'replied') OR (status = 'sent' AND has_delivered) AS is_delivered,
      status IN ('read', 'replied') OR (status IN ('sent', 'delivered') AND has_read) AS is_read,
      status = 'replied' OR (status IN ('sent', 'delivered', 'read') AND has_replied) AS is_replied,
      status = 'failed' AS is_failed,
      status IN ('sent', 'delivered', 'read', 'replied') AND converted_days <= $4 AS is_converted,
      status IN ('sent', 'delivered', 'read', 'replied') AND opted_out_days <= $4 AS is_opted_out
    FROM g
  ), transitions AS (
    SELECT width_bucket(at_hour + q.minute * interval '1 minute', (SELECT starts FROM day_starts)) AS day,
           q.sent, q.delivered, q.read, q.replied, q.failed
      FROM (SELECT at_hour, ${EVENT_SUMS.join(', ')}
              FROM automation.send_event_counts
             WHERE ${ROLLED_UP}
             GROUP BY at_hour) h
     CROSS JOIN LATERAL (VALUES ${QUARTERS.join(', ')})
                        q (minute, sent, delivered, read, replied, failed)
    UNION ALL
    SELECT width_bucket(e.at, (SELECT starts FROM day_starts)), (e.kind = 0)::int, (e.kind = 1)::int,
           (e.kind = 2)::int, (e.kind = 3)::int, (e.kind = 4)::int
      FROM edges
     CROSS JOIN LATERAL (VALUES (0, CASE WHEN ${SENT} THEN sent_at END),
                                (1, CASE WHEN ${SENT} THEN delivered_at END),
                                (2, CASE WHEN ${SENT} THEN read_at END),
                                (3, CASE WHEN ${SENT} THEN replied_at END),
                                (4, CASE WHEN status = 'failed' THEN coalesce(failed_at, updated_at) END)) e (kind, at)
     WHERE e.at IS NOT NULL
  )
  SELECT
    (SELECT coalesce(json_agg(g), '[]') FROM (
       SELECT rule_key, template_name, sum(n) AS queued,
         coalesce(sum(n) FILTER (WHERE is_sent), 0) AS sent,
         coalesce(sum(n) FILTER (WHERE is_delivered), 0) AS delivered,
         coalesce(sum(n) FILTER (WHERE is_read), 0) AS read,
         coalesce(sum(n) FILTER (WHERE is_replied), 0) AS replied,
         coalesce(sum(n) FILTER (WHERE is_failed), 0) AS failed,
         coalesce(sum(n) FILTER (WHERE is_opted_out), 0) AS opted_out,
         coalesce(sum(n) FILTER (WHERE is_converted), 0) AS converted
       FROM f GROUP BY rule_key, template_name) g) AS groups,
    (SELECT coalesce(json_agg(r), '[]') FROM (
       SELECT rule_key, template_name, reason, sum(n) AS count FROM f WHERE is_failed GROUP BY 1, 2, 3) r) AS reasons,
    (SELECT coalesce(json_agg(d), '[]') FROM (
       SELECT day, sum(sent) AS sent, sum(delivered) AS delivered, sum(read) AS read, sum(replied) AS replied,
              sum(failed) AS failed
         FROM transitions
        WHERE day BETWEEN 1 AND cardinality((SELECT starts FROM day_starts)) - 1
        GROUP BY day) d) AS daily,
    (SELECT on_quarters FROM day_starts) AS on_quarters`;

/** The whole `unit`s (UTC hours or days) inside `[from, to)`: `[to, to)` when there is none. */
function within(from: Date, to: Date, unit: number): [Date, Date] {
  const first = Math.ceil(from.getTime() / unit) * unit;
  const end = Math.floor(to.getTime() / unit) * unit;
  return first < end ? [new Date(first), new Date(end)] : [to, to];
}

/** Per rule and per template: queued → sent → delivered → read → replied, failures by reason, opt-outs, conversions. */
@Injectable()
export class FunnelsService {
  constructor(private readonly database: TenantDatabase) {}

  async funnels(request: FunnelsRequest): Promise<AutomationMetricsV2> {
    const zone = request.timezone ?? 'UTC';
    const to = request.to ? new Date(request.to) : new Date();
    const from = request.from
      ? new Date(request.from)
      : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000);
    if (from >= to) throw new DomainError('VALIDATION', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) {
      throw new DomainError('VALIDATION', `the period may span at most ${MAX_PERIOD_DAYS} days`);
    }
    const conversionDays = request.conversionDays ?? DEFAULT_CONVERSION_DAYS;
    const firstDay = DateTime.fromJSDate(from, { zone }).toISODate()!;
    const lastDay = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).toISODate()!;
    const days = daysBetween(firstDay, lastDay);
    const read = async ([hoursFrom, hoursTo]: [Date, Date]): Promise<FunnelsRow> => {
      const [daysFrom, daysTo] = within(hoursFrom, hoursTo, DAY_MS);
      const [row] = (await this.database.withTenant(request.tenantId, (db) =>
        db.query(FUNNELS_SQL, [
          request.tenantId,
          from,
          to,
          conversionDays,
          request.ruleKey ?? null,
          zone,
          firstDay,
          lastDay,
          hoursFrom,
          hoursTo,
          daysFrom,
          daysTo,
        ]),
      )) as FunnelsRow[];
      return row;
    };
    // The whole UTC hours of the period come from the roll-ups, unless the window is longer than they keep; a period
    // whose local days do not all start on quarter hours is read again from the sends alone.
    const none: [Date, Date] = [to, to];
    const hours = conversionDays > MAX_ROLLED_UP_CONVERSION_DAYS ? none : within(from, to, HOUR_MS);
    let result = await read(hours);
    if (!result.on_quarters && hours[0] < hours[1]) result = await read(none);
    const { groups, reasons, daily } = result;

    const total = emptyCounts('total');
    const byRule = new Map<string, FunnelCounts>();
    const byTemplate = new Map<string, FunnelCounts>();
    const groupsOf = (row: { rule_key: string; template_name: string | null }): FunnelCounts[] => {
      const rule = byRule.get(row.rule_key) ?? emptyCounts(row.rule_key);
      byRule.set(row.rule_key, rule);
      const groupsFor = [total, rule];
      if (row.template_name) {
        const template = byTemplate.get(row.template_name) ?? emptyCounts(row.template_name);
        byTemplate.set(row.template_name, template);
        groupsFor.push(template);
      }
      return groupsFor;
    };
    for (const row of groups) {
      for (const counts of groupsOf(row)) {
        counts.queued += Number(row.queued);
        counts.sent += Number(row.sent);
        counts.delivered += Number(row.delivered);
        counts.read += Number(row.read);
        counts.replied += Number(row.replied);
        counts.failed += Number(row.failed);
        counts.optedOut += Number(row.opted_out);
        counts.converted += Number(row.converted);
      }
    }
    for (const row of reasons) {
      for (const counts of groupsOf(row)) {
        const existing = counts.failedByReason.find((entry) => entry.reason === row.reason);
        if (existing) existing.count += Number(row.count);
        else counts.failedByReason.push({ reason: row.reason, count: Number(row.count) });
      }
    }

    const series = days.map((day) => ({ day, sent: 0, delivered: 0, read: 0, replied: 0, failed: 0 }));
    for (const row of daily) {
      const point = series[Number(row.day) - 1];
      if (!point) continue;
      for (const kind of ['sent', 'delivered', 'read', 'replied', 'failed'] as const)
        point[kind] += Number(row[kind]);
    }

    const byKey = (a: { key: string }, b: { key: string }): number => a.key.localeCompare(b.key);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      conversionDays,
      total: toFunnel(total),
      byRule: [...byRule.values()].map(toFunnel).sort(byKey),
      byTemplate: [...byTemplate.values()].map(toFunnel).sort(byKey),
      daily: series,
    };
  }

  /** An opportunity or a sale of a lead (idempotent: one row per entity). */
  recordConversion(event: OpportunityCreatedEvent | SaleCompletedEvent): Promise<void> {
    const [kind, entityId, at] =
      'saleId' in event
        ? ['sale', event.saleId, event.completedAt]
        : ['opportunity', event.opportunityId, event.createdAt];
    return this.recordOutcome(event.tenantId, kind, entityId, event.leadId, at);
  }

  /** A lead's opt-out (one row per lead and moment; repeated deliveries collapse). */
  recordOptOut(event: LeadOptedOutEvent): Promise<void> {
    return this.recordOutcome(
      event.tenantId,
      'opted_out',
      `${event.leadId}@${event.at}`,
      event.leadId,
      event.at,
    );
  }

  /**
   * Store the outcome and, when it is new, bring it to the lead's sends it comes after: their
   * `first_conversion_at` / `first_opt_out_at` move down to `at` where it is earlier (a redelivered or older event
   * changes nothing and writes no row). Sends of the lead not sent yet are written too (unchanged), so that this
   * statement waits for a transaction that is setting one's `sent_at` at this moment and then sees it: otherwise
   * that transaction's trigger (which reads `lead_outcomes` before this outcome commits) and this statement (which
   * would see the send still unsent) could both miss it. Skipped and cancelled sends are never sent.
   */
  private async recordOutcome(
    tenantId: string,
    kind: string,
    entityId: string,
    leadId: string,
    at: string,
  ): Promise<void> {
    await this.database.withTenant(tenantId, (db) =>
      db.query(
        `WITH inserted AS (
           INSERT INTO automation.lead_outcomes (tenant_id, kind, entity_id, lead_id, at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING
           RETURNING kind = 'opted_out' AS opt_out, at
         )
         UPDATE automation.sends s
            SET first_conversion_at = CASE WHEN NOT i.opt_out AND s.sent_at < i.at
                                           THEN least(coalesce(s.first_conversion_at, i.at), i.at)
                                           ELSE s.first_conversion_at END,
                first_opt_out_at = CASE WHEN i.opt_out AND s.sent_at < i.at
                                        THEN least(coalesce(s.first_opt_out_at, i.at), i.at)
                                        ELSE s.first_opt_out_at END
           FROM inserted i
          WHERE s.tenant_id = $1 AND s.lead_id = $4
            AND ((s.sent_at < i.at
                  AND coalesce(CASE WHEN i.opt_out THEN s.first_opt_out_at ELSE s.first_conversion_at END > i.at, true))
                 OR (s.sent_at IS NULL AND s.status NOT IN ('skipped', 'cancelled')))`,
        [tenantId, kind, entityId, leadId, at],
      ),
    );
  }
}
