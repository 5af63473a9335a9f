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
type DailyRow = { day: string; kind: 'sent' | 'delivered' | 'read' | 'replied' | 'failed'; count: number };

/**
 * One row per send of the period with what it reached. A send belongs to the period by when it went out (else
 * when it failed, else when it is due). `sent` means it reached WhatsApp and did not fail afterwards; a failed
 * send is never sent, delivered, read or replied. Conversions and opt-outs count once per send, when the lead's
 * opportunity, sale or opt-out came after the message and within `$4` days.
 */
const SENDS_OF_PERIOD = `
  WITH s AS (
    SELECT s.*,
      s.status IN ('sent', 'delivered', 'read', 'replied') AS is_sent
    FROM automation.sends s
    WHERE s.tenant_id = $1
      AND coalesce(s.sent_at, s.failed_at, s.due_at) >= $2 AND coalesce(s.sent_at, s.failed_at, s.due_at) < $3
      AND ($5::text IS NULL OR s.rule_key = $5)
  ), f AS (
    SELECT s.*,
      s.is_sent AND (s.status IN ('delivered', 'read', 'replied') OR s.delivered_at IS NOT NULL) AS is_delivered,
      s.is_sent AND (s.status IN ('read', 'replied') OR s.read_at IS NOT NULL) AS is_read,
      s.is_sent AND (s.status = 'replied' OR s.replied_at IS NOT NULL) AS is_replied,
      s.status = 'failed' AS is_failed,
      s.is_sent AND EXISTS (
        SELECT 1 FROM automation.lead_outcomes o
        WHERE o.tenant_id = s.tenant_id AND o.lead_id = s.lead_id AND o.kind IN ('opportunity', 'sale')
          AND o.at > s.sent_at AND o.at <= s.sent_at + make_interval(days => $4)
      ) AS is_converted,
      s.is_sent AND EXISTS (
        SELECT 1 FROM automation.lead_outcomes o
        WHERE o.tenant_id = s.tenant_id AND o.lead_id = s.lead_id AND o.kind = 'opted_out'
          AND o.at > s.sent_at AND o.at <= s.sent_at + make_interval(days => $4)
      ) AS is_opted_out
    FROM s
  )`;

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
    const params = [request.tenantId, from, to, conversionDays, request.ruleKey ?? null];

    // One statement: `f` is read three times, so PostgreSQL materializes it once — one pass over the period's sends
    // and their outcome lookups, not three (the HSM page reads this on every open and on every live reconnect).
    const [{ groups, reasons, daily }] = (await this.database.withTenant(request.tenantId, (db) =>
      db.query(
        `${SENDS_OF_PERIOD}
         SELECT
           (SELECT coalesce(json_agg(g), '[]') FROM (
              SELECT rule_key, template_name, count(*) AS queued,
                count(*) FILTER (WHERE is_sent) AS sent, count(*) FILTER (WHERE is_delivered) AS delivered,
                count(*) FILTER (WHERE is_read) AS read, count(*) FILTER (WHERE is_replied) AS replied,
                count(*) FILTER (WHERE is_failed) AS failed, count(*) FILTER (WHERE is_opted_out) AS opted_out,
                count(*) FILTER (WHERE is_converted) AS converted
              FROM f GROUP BY rule_key, template_name) g) AS groups,
           (SELECT coalesce(json_agg(r), '[]') FROM (
              SELECT rule_key, template_name, coalesce(error->>'reason', error->>'code', 'unknown') AS reason,
                count(*) AS count
              FROM f WHERE is_failed GROUP BY 1, 2, 3) r) AS reasons,
           (SELECT coalesce(json_agg(d), '[]') FROM (
              SELECT to_char(at AT TIME ZONE $6, 'YYYY-MM-DD') AS day, kind, count(*) AS count FROM (
                SELECT sent_at AS at, 'sent' AS kind FROM f WHERE is_sent AND sent_at IS NOT NULL
                UNION ALL SELECT delivered_at, 'delivered' FROM f WHERE is_delivered AND delivered_at IS NOT NULL
                UNION ALL SELECT read_at, 'read' FROM f WHERE is_read AND read_at IS NOT NULL
                UNION ALL SELECT replied_at, 'replied' FROM f WHERE is_replied AND replied_at IS NOT NULL
                UNION ALL SELECT coalesce(failed_at, updated_at), 'failed' FROM f WHERE is_failed
              ) events GROUP BY 1, 2) d) AS daily`,
        [...params, zone],
      ),
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

    const firstDay = DateTime.fromJSDate(from, { zone }).toISODate()!;
    const lastDay = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).toISODate()!;
    const series = new Map(
      daysBetween(firstDay, lastDay).map((day) => [
        day,
        { day, sent: 0, delivered: 0, read: 0, replied: 0, failed: 0 },
      ]),
    );
    for (const row of daily) {
      const point = series.get(row.day);
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
      daily: [...series.values()],
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

  private async recordOutcome(
    tenantId: string,
    kind: string,
    entityId: string,
    leadId: string,
    at: string,
  ): Promise<void> {
    await this.database.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO automation.lead_outcomes (tenant_id, kind, entity_id, lead_id, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING`,
        [tenantId, kind, entityId, leadId, at],
      ),
    );
  }
}
