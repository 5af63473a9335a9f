import type { LeadOrigin, TimelineEntry, TimelineOpportunity } from '@crm/contracts';
import type { ActivityRow, OriginDetails } from './lead-activity-store';

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const amount = (value: unknown): number => {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
};

/** The origin the lead 360 shows, from the created entry's details. */
export function toLeadOrigin(at: Date, details: Partial<OriginDetails>): LeadOrigin {
  return {
    channel: details.channel ?? 'other',
    at: at.toISOString(),
    adId: text(details.adId),
    headline: text(details.headline),
    body: text(details.body),
    sourceUrl: text(details.sourceUrl),
    message: text(details.message),
    formId: text(details.formId),
    formName: text(details.formName),
  };
}

function opportunityOf(details: Record<string, unknown>): TimelineOpportunity {
  return {
    id: String(details.opportunityId ?? ''),
    title: String(details.title ?? ''),
    value: amount(details.value),
    currency: String(details.currency ?? ''),
  };
}

/** An activity row as a timeline entry (details read defensively: the jsonb was written by older code too). */
export function toTimelineEntry(row: ActivityRow): TimelineEntry {
  const base = {
    id: row.id,
    at: row.at.toISOString(),
    actorUserId: row.actor_user_id,
    actorName: row.actor_name,
  };
  const d = row.details;
  switch (row.kind) {
    case 'created':
      return { ...base, kind: 'created', origin: toLeadOrigin(row.at, d as Partial<OriginDetails>) };
    case 'status_changed':
      return {
        ...base,
        kind: 'status_changed',
        from: (text(d.from) as never) ?? null,
        to: d.to as never,
      };
    case 'assigned':
      return {
        ...base,
        kind: 'assigned',
        reason: d.reason === 'round_robin' ? 'round_robin' : 'manual',
        toUserId: text(d.to),
        toName: row.assignee_name,
      };
    case 'opportunity_created':
    case 'opportunity_won':
    case 'opportunity_lost':
      return {
        ...base,
        kind: row.kind,
        opportunity: opportunityOf(d),
        lostReason: row.kind === 'opportunity_lost' ? text(d.lostReason) : null,
      };
    case 'opportunity_deadline_moved':
      return {
        ...base,
        kind: 'opportunity_deadline_moved',
        opportunity: opportunityOf(d),
        from: text(d.from),
        to: text(d.to),
      };
    case 'sale_completed':
    case 'sale_refunded':
      return {
        ...base,
        kind: row.kind,
        sale: { id: String(d.saleId ?? ''), amount: amount(d.amount), currency: String(d.currency ?? '') },
      };
    case 'opted_out':
    case 'opted_in':
      return {
        ...base,
        kind: row.kind,
        optOut: {
          source: d.source === 'keyword' || d.source === 'button' ? d.source : 'manual',
          text: text(d.text),
        },
      };
  }
}
