import type {
  OpportunityCreatedEvent,
  OpportunityLostEvent,
  OpportunityUpdatedEvent,
  OpportunityWonEvent,
} from '@crm/contracts';
import type { OpportunityRow } from '../leads/opportunity-store';

type Base = Omit<OpportunityCreatedEvent, 'createdAt'>;

function base(tenantId: string, row: OpportunityRow): Base {
  return {
    tenantId,
    opportunityId: row.id,
    leadId: row.lead_id,
    title: row.title,
    value: Number(row.value),
    currency: row.currency,
    status: row.status,
    deadline: row.deadline ? row.deadline.toISOString() : null,
    ownerId: row.owner_user_id,
  };
}

/** When it was created and its version (`updated_at`): a consumer orders the states of one opportunity by it. */
function stamps(row: OpportunityRow): { createdAt: string; updatedAt: string } {
  return { createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

export function opportunityCreatedEvent(tenantId: string, row: OpportunityRow): OpportunityCreatedEvent {
  return { ...base(tenantId, row), ...stamps(row) };
}

export function opportunityUpdatedEvent(
  tenantId: string,
  before: OpportunityRow,
  after: OpportunityRow,
  changed: string[],
): OpportunityUpdatedEvent {
  return {
    ...base(tenantId, after),
    changed,
    deadlineChanged: changed.includes('deadline'),
    previousDeadline: before.deadline ? before.deadline.toISOString() : null,
    previousStatus: before.status,
    ...stamps(after),
    closedAt: after.closed_at ? after.closed_at.toISOString() : null,
  };
}

export function opportunityWonEvent(tenantId: string, row: OpportunityRow): OpportunityWonEvent {
  return { ...base(tenantId, row), ...stamps(row), closedAt: row.closed_at!.toISOString() };
}

export function opportunityLostEvent(tenantId: string, row: OpportunityRow): OpportunityLostEvent {
  return {
    ...base(tenantId, row),
    ...stamps(row),
    lostReason: row.lost_reason!,
    closedAt: row.closed_at!.toISOString(),
  };
}
