import {
  NOT_APPLICABLE_TEXTS,
  sendHistory,
  type AutomationRuleView,
  type RuleTriggerType,
} from '@crm/contracts';
import type { NotApplicable } from './rule-conditions';

/** A CRM fact that may start rules, in the engine's own terms (one per consumed event). */
export type TriggerEvent =
  | { type: 'lead.created'; leadId: string; at: Date }
  | { type: 'lead.status_changed'; leadId: string; toStatus: string; at: Date }
  | { type: 'lead.assigned'; leadId: string; toUserId: string | null; at: Date }
  | { type: 'opportunity.created'; leadId: string; opportunityId: string; at: Date }
  | { type: 'opportunity.deadline'; leadId: string; opportunityId: string; deadline: Date }
  | { type: 'opportunity.won' | 'opportunity.lost'; leadId: string; opportunityId: string; at: Date }
  | { type: 'sale.completed'; leadId: string; saleId: string; opportunityId: string | null; at: Date }
  | { type: 'no_reply'; leadId: string; wamid: string; at: Date };

/** One occurrence of a rule: at most one send per key, ever (`UNIQUE (tenant_id, occurrence_key)`). */
export type Occurrence = {
  occurrenceKey: string;
  /** The instant the rule's timing counts from: the event's time, or the deadline (stored as `sends.anchor_at`). */
  anchorAt: Date;
  dueAt: Date;
  leadId: string;
  opportunityId: string | null;
  saleId: string | null;
};

/**
 * The occurrence a trigger event makes for a rule, or null when the rule is not started by it (other trigger, other
 * target status) or the moment has passed (a deadline already gone). Keys are stable across redeliveries: they are
 * built only from the event's ids and timestamps.
 *
 * | trigger | key | due |
 * |---|---|---|
 * | lead.created | `<rule>:<lead>` | created + delay |
 * | lead.status_changed (to X) | `<rule>:<lead>:<X>:<changed ms>` | changed + delay |
 * | lead.assigned | `<rule>:<lead>:<seller or none>:<assigned ms>` | assigned + delay |
 * | opportunity.created / won / lost | `<rule>:<opportunity>` | event + delay |
 * | opportunity.deadline | `<rule>:<opportunity>:<deadline ms>` | deadline − delay |
 * | sale.completed | `<rule>:<sale>` | completed + delay |
 * | no_reply | `<rule>:<lead>:<wamid of our message>` | message + delay |
 */
export function occurrenceFor(
  rule: Pick<AutomationRuleView, 'key' | 'trigger' | 'delaySeconds'>,
  event: TriggerEvent,
  now: Date = new Date(),
): Occurrence | null {
  if (rule.trigger.type !== event.type) return null;
  const base = { leadId: event.leadId, opportunityId: null, saleId: null };
  const timed = (anchorAt: Date) => ({
    anchorAt,
    dueAt: dueAtFor(rule.trigger.type, rule.delaySeconds, anchorAt),
  });
  switch (event.type) {
    case 'lead.created':
      return { ...base, occurrenceKey: `${rule.key}:${event.leadId}`, ...timed(event.at) };
    case 'lead.status_changed':
      if (rule.trigger.toStatus && rule.trigger.toStatus !== event.toStatus) return null;
      return {
        ...base,
        occurrenceKey: `${rule.key}:${event.leadId}:${event.toStatus}:${event.at.getTime()}`,
        ...timed(event.at),
      };
    case 'lead.assigned':
      return {
        ...base,
        occurrenceKey: `${rule.key}:${event.leadId}:${event.toUserId ?? 'none'}:${event.at.getTime()}`,
        ...timed(event.at),
      };
    case 'opportunity.created':
    case 'opportunity.won':
    case 'opportunity.lost':
      return {
        ...base,
        opportunityId: event.opportunityId,
        occurrenceKey: `${rule.key}:${event.opportunityId}`,
        ...timed(event.at),
      };
    case 'opportunity.deadline': {
      if (event.deadline.getTime() <= now.getTime()) return null;
      return {
        ...base,
        opportunityId: event.opportunityId,
        occurrenceKey: `${rule.key}:${event.opportunityId}:${event.deadline.getTime()}`,
        ...timed(event.deadline),
      };
    }
    case 'sale.completed':
      return {
        ...base,
        opportunityId: event.opportunityId,
        saleId: event.saleId,
        occurrenceKey: `${rule.key}:${event.saleId}`,
        ...timed(event.at),
      };
    case 'no_reply':
      return {
        ...base,
        occurrenceKey: `${rule.key}:${event.leadId}:${event.wamid}`.slice(0, 200),
        ...timed(event.at),
      };
  }
}

/** Triggers whose `delaySeconds` counts back from their anchor (the deadline) instead of forward from the event. */
export const isBeforeAnchor = (type: RuleTriggerType): boolean => type === 'opportunity.deadline';

/**
 * When a send of a rule is due, from its anchor: `delaySeconds` after the event, or that long before the deadline.
 * The same arithmetic moves sends already scheduled when the rule's timing changes (`SendStore.retimeScheduled`).
 */
export function dueAtFor(type: RuleTriggerType, delaySeconds: number, anchorAt: Date): Date {
  const delayMs = delaySeconds * 1000;
  return new Date(anchorAt.getTime() + (isBeforeAnchor(type) ? -delayMs : delayMs));
}

/**
 * The occurrence of a person's trigger: for `lead_followup` the lead's one follow-up (the same key the automatic
 * one uses, so a lead never gets both); for any other rule one manual send per lead and entity.
 */
export function manualOccurrenceKey(
  ruleKey: string,
  leadId: string,
  entity: { opportunityId?: string | null; saleId?: string | null } = {},
): string {
  if (ruleKey === 'lead_followup') return `${ruleKey}:${leadId}`;
  const about = entity.saleId ?? entity.opportunityId;
  return about ? `${ruleKey}:manual:${leadId}:${about}` : `${ruleKey}:manual:${leadId}`;
}

/** Triggers about an opportunity (a send names it) and about a sale. */
export const OPPORTUNITY_TRIGGERS: readonly RuleTriggerType[] = [
  'opportunity.created',
  'opportunity.deadline',
  'opportunity.won',
  'opportunity.lost',
];

/**
 * A reminder belongs to the deadline it was scheduled for (its key ends in that deadline's ms): once the deadline
 * moved or was cleared it is stale, and the reminder for the new deadline is another occurrence.
 */
export function occurrenceStillCurrent(
  rule: Pick<AutomationRuleView, 'key' | 'trigger'>,
  occurrenceKey: string,
  facts: { opportunity?: { deadline: string | null } | null },
): NotApplicable | null {
  if (rule.trigger.type !== 'opportunity.deadline') return null;
  const match = /^[^:]+:[0-9a-f-]{36}:(\d+)$/.exec(occurrenceKey);
  if (!match) return null; // a person's trigger: not tied to a deadline
  const deadline = facts.opportunity?.deadline ? Date.parse(facts.opportunity.deadline) : null;
  if (deadline === Number(match[1])) return null;
  return {
    reason: 'condition_changed',
    text:
      deadline === null
        ? NOT_APPLICABLE_TEXTS.deadlineRemoved
        : sendHistory.deadlineMoved(new Date(deadline).toISOString()),
  };
}
