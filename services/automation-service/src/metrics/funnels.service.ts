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
type DailyRow = { day: number; kind: 'sent' | 'delivered' | 'read' | 'replied' | 'failed'; count: number };

/**
 * One pass over the period's sends (`period_at`: when it went out, else when it failed, else when it is due),
 * grouped at once by the raw facts the three answers need (`g`: status, which timestamps are set, the day of each,
 * whether the first outcome is within `$4` days), so the answers are read from a few hundred groups instead of from
 * every send, and the status rules below run per group. `sent` means it reached WhatsApp and did not fail
 * afterwards; a failed send is never sent, delivered, read or replied. Conversions and opt-outs count once per
 * sent send, when the lead's first opportunity, sale or opt-out after the message (kept on the send, see migration
 * 1768900000310) is within `$4` days of it.
 *
 * The daily series counts each transition on its local day in `$6`. Instead of converting every timestamp to
 * local time, each one is placed among the instants the series' days start at (`width_bucket`, `$7`..`$8` and the
 * day after), computed once with PostgreSQL's own time zone rules: local midnight, or when a clock change skips or
 * repeats midnight (e.g. America/Santiago, America/Havana), the first instant of that local date (found among the
 * quarter hours up to two hours before the wall-clock midnight: clock changes are whole quarter hours of at most
 * two hours).
 */
const FUNNELS_SQL = `
  WITH day_starts AS (
    SELECT array_agg(start ORDER BY day) AS starts FROM (
      SELECT day, min(candidate) AS start
        FROM generate_series($7::timestamp, $8::timestamp + interval '1 day', interval '1 day') AS day,
             generate_series(0, 8) AS step,
             LATERAL (SELECT (day AT TIME ZONE $6) - step * interval '15 minutes' AS candidate) c
       WHERE (candidate AT TIME ZONE $6)::date = day::date
       GROUP BY day) d
  ), g AS (
    SELECT rule_key, template_name, status,
      CASE WHEN status = 'failed' THEN coalesce(error->>'reason', error->>'code', 'unknown') END AS reason,
      delivered_at IS NOT NULL AS has_delivered, read_at IS NOT NULL AS has_read,
      replied_at IS NOT NULL AS has_replied,
      first_conversion_at <= sent_at + (SELECT make_interval(days => $4)) AS converted_in_time,
      first_opt_out_at <= sent_at + (SELECT make_interval(days => $4)) AS opted_out_in_time,
      width_bucket(sent_at, (SELECT starts FROM day_starts)) AS sent_day,
      width_bucket(delivered_at, (SELECT starts FROM day_starts)) AS delivered_day,
      width_bucket(read_at, (SELECT starts FROM day_starts)) AS read_day,
      width_bucket(replied_at, (SELECT starts FROM day_starts)) AS replied_day,
      width_bucket(CASE WHEN status = 'failed' THEN coalesce(failed_at, updated_at) END, (SELECT starts FROM day_starts))
        AS failed_day,
      count(*) AS n
    FROM automation.sends
    WHERE tenant_id = $1 AND period_at >= $2 AND period_at < $3 AND ($5::text IS NULL OR rule_key = $5)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
  ), f AS (
    SELECT rule_key, template_name, reason, n, sent_day, delivered_day, read_day, replied_day, failed_day,
      status IN ('sent', 'delivered', 'read', 'replied') AS is_sent,
      status IN ('delivered', 'read', 'replied') OR (status = 'sent' AND has_delivered) AS is_delivered,
      status IN ('read', 'replied') OR (status IN ('sent', 'delivered') AND has_read) AS is_read,
      status = 'replied' OR (status IN ('sent', 'delivered', 'read') AND has_replied) AS is_replied,
      status = 'failed' AS is_failed,
      status IN ('sent', 'delivered', 'read', 'replied') AND converted_in_time AS is_converted,
      status IN ('sent', 'delivered', 'read', 'replied') AND opted_out_in_time AS is_opted_out
    FROM g
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
       SELECT day, kind, sum(n) AS count FROM (
         SELECT sent_day AS day, 'sent' AS kind, n FROM f WHERE is_sent
         UNION ALL SELECT delivered_day, 'delivered', n FROM f WHERE is_delivered
         UNION ALL SELECT read_day, 'read', n FROM f WHERE is_read
         UNION ALL SELECT replied_day, 'replied', n FROM f WHERE is_replied
         UNION ALL SELECT failed_day, 'failed', n FROM f WHERE is_failed
       ) events
       WHERE day BETWEEN 1 AND cardinality((SELECT starts FROM day_starts)) - 1
       GROUP BY 1, 2) d) AS daily`;

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

    const [{ groups, reasons, daily }] = (await this.database.withTenant(request.tenantId, (db) =>
      db.query(FUNNELS_SQL, [
        request.tenantId,
        from,
        to,
        conversionDays,
        request.ruleKey ?? null,
        zone,
        firstDay,
        lastDay,
      ]),
    )) as { groups: GroupRow[]; reasons: ReasonRow[]; daily: DailyRow[] }[];

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
      if (point) point[row.kind] += Number(row.count);
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
