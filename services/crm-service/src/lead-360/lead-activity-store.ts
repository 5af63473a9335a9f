import { Injectable } from '@nestjs/common';
import type {
  LeadAssignmentReason,
  LeadOriginChannel,
  LeadSource,
  LeadStatus,
  OptOutSource,
  TimelineCursor,
} from '@crm/contracts';
import type { SqlRunner } from '../common/sql';

/**
 * `crm.lead_activity`: the append-only history of a lead. The one place its SQL and row types live. Entries are
 * appended in the transaction that enqueues the matching outbox event, so the history and the events agree.
 */

/** What the created entry keeps of how the lead came in. */
export type OriginDetails = {
  channel: LeadOriginChannel;
  adId: string | null;
  headline: string | null;
  body: string | null;
  sourceUrl: string | null;
  message: string | null;
  formId: string | null;
  formName: string | null;
};

const NO_ORIGIN: Omit<OriginDetails, 'channel'> = {
  adId: null,
  headline: null,
  body: null,
  sourceUrl: null,
  message: null,
  formId: null,
  formName: null,
};

/** A lead typed in by a user: its channel is what they chose as source. */
export function originOfSource(source: LeadSource, extra: Partial<OriginDetails> = {}): OriginDetails {
  const channel: LeadOriginChannel =
    source === 'META_ADS' ? 'meta_ad' : source === 'WHATSAPP' ? 'whatsapp' : 'other';
  return { ...NO_ORIGIN, channel, ...extra };
}

type OpportunityDetails = { opportunityId: string; title: string; value: number; currency: string };

/** Each kind with the details it stores (jsonb). */
export type ActivityDetails = {
  created: OriginDetails;
  status_changed: { from: LeadStatus | null; to: LeadStatus };
  assigned: { from: string | null; to: string | null; reason: LeadAssignmentReason };
  opportunity_created: OpportunityDetails;
  opportunity_won: OpportunityDetails;
  opportunity_lost: OpportunityDetails & { lostReason: string | null };
  opportunity_deadline_moved: OpportunityDetails & { from: string | null; to: string | null };
  sale_completed: { saleId: string; amount: number; currency: string };
  sale_refunded: { saleId: string; amount: number; currency: string };
  opted_out: { source: OptOutSource; text: string | null };
  opted_in: { source: 'manual'; text: null };
};
export type ActivityKind = keyof ActivityDetails;

export type NewActivity<K extends ActivityKind = ActivityKind> = {
  leadId: string;
  kind: K;
  details: ActivityDetails[K];
  /** Who did it; absent for the system (round-robin, an inbound webhook). */
  actorUserId?: string | null;
  /** Defaults to the transaction's time. */
  at?: Date;
};

/** An activity row as read for the timeline, with the actor's and the assignee's names. */
export type ActivityRow = {
  id: string;
  kind: ActivityKind;
  at: Date;
  actor_user_id: string | null;
  actor_name: string | null;
  assignee_name: string | null;
  details: Record<string, unknown>;
};

/**
 * Rebuilds what existing rows still tell: each lead's creation (its channel from the source and Meta ids),
 * opportunities created / won / lost and sales completed / refunded. `$1`: one tenant, or null for all.
 */
export const BACKFILL_LEAD_ACTIVITY_SQL = `
  INSERT INTO crm.lead_activity (tenant_id, lead_id, kind, at, details)
  SELECT l.tenant_id, l.id, 'created', l.created_at, jsonb_build_object(
           'channel', CASE WHEN l.meta_leadgen_id IS NOT NULL THEN 'lead_form'
                           WHEN l.ctwa_clid IS NOT NULL THEN 'whatsapp_ad'
                           WHEN l.lead_source = 'META_ADS' THEN 'meta_ad'
                           WHEN l.lead_source = 'WHATSAPP' THEN 'whatsapp'
                           ELSE 'other' END,
           'adId', l.meta_ad_id, 'headline', NULL, 'body', NULL, 'sourceUrl', NULL, 'message', NULL,
           'formId', NULL, 'formName', NULL)
    FROM crm.leads l
   WHERE $1::uuid IS NULL OR l.tenant_id = $1::uuid
  UNION ALL
  SELECT o.tenant_id, o.lead_id, k.kind, k.at, jsonb_build_object(
           'opportunityId', o.id, 'title', o.title, 'value', o.value, 'currency', o.currency,
           'lostReason', o.lost_reason)
    FROM crm.opportunities o
   CROSS JOIN LATERAL (VALUES ('opportunity_created', o.created_at),
                              (CASE o.status WHEN 'won' THEN 'opportunity_won' WHEN 'lost' THEN 'opportunity_lost' END,
                               o.closed_at)) AS k (kind, at)
   WHERE ($1::uuid IS NULL OR o.tenant_id = $1::uuid) AND k.kind IS NOT NULL AND k.at IS NOT NULL
  UNION ALL
  SELECT s.tenant_id, s.lead_id, k.kind, k.at, jsonb_build_object(
           'saleId', s.id, 'amount', s.amount, 'currency', s.currency)
    FROM crm.sales_transactions s
   CROSS JOIN LATERAL (VALUES ('sale_completed', CASE WHEN s.status <> 'pending' THEN s.completed_at END),
                              ('sale_refunded', CASE WHEN s.status = 'refunded' THEN s.refunded_at END))
                       AS k (kind, at)
   WHERE ($1::uuid IS NULL OR s.tenant_id = $1::uuid) AND k.at IS NOT NULL`;

/**
 * The timeline id of an entry: `a` and the zero-padded sequence, so that comparing ids as text (what the merged
 * timeline's cursor does across sources) orders entries as the sequence does.
 */
const ENTRY_ID = `('a' || lpad(a.id::text, 19, '0'))`;

@Injectable()
export class LeadActivityStore {
  /** Append one entry (in the caller's transaction, next to its outbox event). */
  async append<K extends ActivityKind>(
    db: SqlRunner,
    tenantId: string,
    entry: NewActivity<K>,
  ): Promise<void> {
    await db.query(
      `INSERT INTO crm.lead_activity (tenant_id, lead_id, kind, at, actor_user_id, details)
       VALUES ($1, $2, $3, coalesce($4::timestamptz, date_trunc('milliseconds', now())), $5, $6::jsonb)`,
      [
        tenantId,
        entry.leadId,
        entry.kind,
        entry.at ?? null,
        entry.actorUserId ?? null,
        JSON.stringify(entry.details),
      ],
    );
  }

  /** Append many entries in one statement (a CSV import batch: two per created lead). */
  async appendMany(db: SqlRunner, tenantId: string, entries: NewActivity[]): Promise<void> {
    if (entries.length === 0) return;
    await db.query(
      `INSERT INTO crm.lead_activity (tenant_id, lead_id, kind, at, actor_user_id, details)
       SELECT $1, e.lead_id, e.kind, coalesce(e.at, date_trunc('milliseconds', now())), e.actor_user_id, e.details
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::uuid[], $6::jsonb[])
              AS e (lead_id, kind, at, actor_user_id, details)`,
      [
        tenantId,
        entries.map((entry) => entry.leadId),
        entries.map((entry) => entry.kind),
        entries.map((entry) => entry.at ?? null),
        entries.map((entry) => entry.actorUserId ?? null),
        entries.map((entry) => JSON.stringify(entry.details)),
      ],
    );
  }

  /** History entries of one tenant's rows written before the table existed (the demo seed's bulk load). */
  async backfill(db: SqlRunner, tenantId: string): Promise<void> {
    await db.query(BACKFILL_LEAD_ACTIVITY_SQL, [tenantId]);
  }

  /** Newest first, strictly after `cursor` (older than it), at most `limit` rows. */
  async page(
    db: SqlRunner,
    tenantId: string,
    leadId: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<ActivityRow[]> {
    return (await db.query(
      `SELECT ${ENTRY_ID} AS id, a.kind, a.at, a.actor_user_id, actor.name AS actor_name,
              assignee.name AS assignee_name, a.details
         FROM crm.lead_activity a
         LEFT JOIN crm.users actor ON actor.tenant_id = a.tenant_id AND actor.id = a.actor_user_id
         LEFT JOIN crm.users assignee
                ON a.kind = 'assigned' AND assignee.tenant_id = a.tenant_id
               AND assignee.id = (a.details ->> 'to')::uuid
        WHERE a.tenant_id = $1 AND a.lead_id = $2
          AND ($3::timestamptz IS NULL OR a.at < $3::timestamptz
               OR (a.at = $3::timestamptz AND ${ENTRY_ID} COLLATE "C" < $4::text COLLATE "C"))
        ORDER BY a.at DESC, a.id DESC
        LIMIT $5`,
      [tenantId, leadId, cursor?.at ?? null, cursor?.id ?? null, limit],
    )) as ActivityRow[];
  }

  /** The created entry's origin details, if the lead has one. */
  async origin(
    db: SqlRunner,
    tenantId: string,
    leadId: string,
  ): Promise<{ at: Date; details: OriginDetails } | null> {
    const rows = (await db.query(
      `SELECT at, details FROM crm.lead_activity
        WHERE tenant_id = $1 AND lead_id = $2 AND kind = 'created'
        ORDER BY at LIMIT 1`,
      [tenantId, leadId],
    )) as { at: Date; details: OriginDetails }[];
    return rows[0] ?? null;
  }
}
