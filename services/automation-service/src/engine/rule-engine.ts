import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  NOT_APPLICABLE_TEXTS,
  normalizePhone,
  sendHistory,
  type AutomationRuleView,
  type LeadAssignedEvent,
  type LeadCreatedEvent,
  type LeadStatusChangedEvent,
  type OpportunityCreatedEvent,
  type OpportunityLostEvent,
  type OpportunityUpdatedEvent,
  type OpportunityWonEvent,
  type SaleCompletedEvent,
  type SaleRefundedEvent,
  type WhatsappInboundEvent,
  type WhatsappStatusEvent,
} from '@crm/contracts';
import { whyNotApplicable, type NotApplicable, type RuleFacts } from '../rules/rule-conditions';
import {
  isBeforeAnchor,
  occurrenceFor,
  occurrenceStillCurrent,
  type TriggerEvent,
} from '../rules/occurrence';
import { RulesService } from '../rules/rules.service';
import { CALLBACK_PREFIX } from '../sends/sends.service';
import { SendStore, type SendRow } from '../sends/send-store';
import { RuleFactsLoader, type LoadedFacts } from '../rules/rule-facts';
import { TombstoneStore } from './tombstone-store';

/** What became of the facts a scheduling event carries, as a cancellation heard earlier tells it. */
type LaterFacts = { facts: RuleFacts; cause: string };

/** Facts known from a `lead.created` event alone (enough unless a rule asks about campaign, seller or tags). */
function factsFromLeadCreated(event: LeadCreatedEvent): RuleFacts {
  return {
    lead: {
      status: event.status,
      leadSource: event.leadSource,
      metaAdId: event.metaAdId ?? null,
      metaCampaignId: null,
      assignedUserId: event.assignedUserId ?? null,
      tags: [],
    },
  };
}

function needsFullLead(rule: AutomationRuleView): boolean {
  const c = rule.conditions;
  return Boolean(c.campaignIds?.length || c.sellerIds?.length || c.tags?.length);
}

/**
 * The rule engine: turns CRM facts into scheduled sends (one per rule × occurrence) and cancels scheduled sends
 * whose rule no longer applies.
 *
 * Loop guard: the engine only reads from crm-service (`crm.leads.get`, `crm.leads.list`, `crm.tenants.get`) and
 * writes only `automation.*`; it never creates or changes CRM data and publishes no events, so no send can cause a
 * CRM event. The one trigger fed by WhatsApp itself, `no_reply`, ignores messages that carry our callback data
 * (`automation:<sendId>`): an automated message never starts another automation.
 */
@Injectable()
export class RuleEngine {
  private readonly logger = new Logger(RuleEngine.name);

  constructor(
    private readonly store: SendStore,
    private readonly rules: RulesService,
    private readonly facts: RuleFactsLoader,
    private readonly tombstones: TombstoneStore,
  ) {}

  // ---- triggers ----

  /**
   * Rules that need no more than the event's own facts are scheduled from them (no crm-service call). The lead may
   * have changed status since — and that `lead.status-changed` may already have been handled (independent
   * durables): its tombstone makes the send start out `cancelled`, as it would have ended in order.
   */
  async onLeadCreated(event: LeadCreatedEvent): Promise<void> {
    const partial = factsFromLeadCreated(event);
    const createdAt = new Date(event.createdAt);
    await this.fire(
      event.tenantId,
      { type: 'lead.created', leadId: event.leadId, at: createdAt },
      {
        partial,
        phone: event.phone,
        leadName: event.name,
        later: async () => {
          const seen = await this.tombstones.leadStatusSince(event.tenantId, event.leadId, createdAt);
          return seen
            ? { facts: { lead: { ...partial.lead, status: seen.status } }, cause: seen.cause }
            : null;
        },
      },
    );
    // An imported lead's round-robin setter travels in its `lead.created` (crm-service publishes no separate
    // `lead.assigned` for it): `lead.assigned` rules start from here for those leads.
    if (event.assignedUserId) {
      await this.fire(event.tenantId, {
        type: 'lead.assigned',
        leadId: event.leadId,
        toUserId: event.assignedUserId,
        at: new Date(event.createdAt),
      });
    }
  }

  async onLeadStatusChanged(event: LeadStatusChangedEvent): Promise<void> {
    const cause = sendHistory.leadMoved(event.to);
    // Before the re-check: a `lead.created` handled after this finds the change even if it raced the re-check.
    await this.tombstones.recordLeadStatus(event.tenantId, event.leadId, {
      status: event.to,
      cause,
      changedAt: new Date(event.changedAt),
    });
    await this.recheckLead(event.tenantId, event.leadId, cause);
    await this.fire(event.tenantId, {
      type: 'lead.status_changed',
      leadId: event.leadId,
      toStatus: event.to,
      at: new Date(event.changedAt),
    });
  }

  async onLeadAssigned(event: LeadAssignedEvent): Promise<void> {
    await this.recheckLead(event.tenantId, event.leadId, sendHistory.leadReassigned());
    await this.fire(event.tenantId, {
      type: 'lead.assigned',
      leadId: event.leadId,
      toUserId: event.to,
      at: new Date(event.assignedAt),
    });
  }

  async onOpportunityCreated(event: OpportunityCreatedEvent): Promise<void> {
    const about = { leadId: event.leadId, opportunityId: event.opportunityId };
    await this.fire(event.tenantId, { type: 'opportunity.created', ...about, at: new Date(event.createdAt) });
    if (event.deadline && event.status === 'pending') {
      await this.fire(event.tenantId, {
        type: 'opportunity.deadline',
        ...about,
        deadline: new Date(event.deadline),
      });
    }
  }

  /**
   * A changed opportunity: scheduled sends about it are checked again (closed → reminders cancelled; value out
   * of a rule's bounds → cancelled); a moved deadline cancels the reminder for the old deadline (its occurrence
   * key names the old deadline) and schedules one for the new deadline — a new occurrence, never a moved row.
   */
  async onOpportunityUpdated(event: OpportunityUpdatedEvent): Promise<void> {
    const detail = event.deadlineChanged
      ? sendHistory.deadlineMoved(event.deadline ?? null)
      : sendHistory.opportunityChanged(event.changed);
    await this.recheckLead(event.tenantId, event.leadId, detail);
    if (
      event.status === 'pending' &&
      event.deadline &&
      (event.deadlineChanged || event.previousStatus !== 'pending')
    ) {
      await this.fire(event.tenantId, {
        type: 'opportunity.deadline',
        leadId: event.leadId,
        opportunityId: event.opportunityId,
        deadline: new Date(event.deadline),
      });
    }
  }

  async onOpportunityClosed(event: OpportunityWonEvent | OpportunityLostEvent, won: boolean): Promise<void> {
    await this.recheckLead(event.tenantId, event.leadId, sendHistory.opportunityClosed(won));
    await this.fire(event.tenantId, {
      type: won ? 'opportunity.won' : 'opportunity.lost',
      leadId: event.leadId,
      opportunityId: event.opportunityId,
      at: new Date(event.closedAt),
    });
  }

  async onSaleCompleted(event: SaleCompletedEvent): Promise<void> {
    await this.fire(event.tenantId, {
      type: 'sale.completed',
      leadId: event.leadId,
      saleId: event.saleId,
      opportunityId: event.opportunityId ?? null,
      at: new Date(event.completedAt),
    });
  }

  async onSaleRefunded(event: SaleRefundedEvent): Promise<void> {
    const cancelled = await this.store.cancelScheduled(
      event.tenantId,
      { saleId: event.saleId },
      NOT_APPLICABLE_TEXTS.saleRefunded,
    );
    if (cancelled.length > 0)
      this.logger.log(`cancelled ${cancelled.length} send(s) of refunded sale ${event.saleId}`);
  }

  /**
   * A message of ours left (status `sent`): `no_reply` rules wait for an answer from then on. Automated messages
   * (our callback data) are ignored — the loop guard — and a newer message replaces the older wait.
   */
  async onWhatsappStatus(event: WhatsappStatusEvent): Promise<void> {
    if (event.status !== 'sent') return;
    if (event.callbackData?.startsWith(CALLBACK_PREFIX)) return;
    const rules = await this.rules.listEnabledFor(event.tenantId, ['no_reply']);
    if (rules.length === 0) return;
    const leadId = await this.facts.leadIdByPhone(event.tenantId, event.recipientId);
    if (!leadId) return;
    const trigger: TriggerEvent = {
      type: 'no_reply',
      leadId,
      wamid: event.wamid,
      at: new Date(event.timestamp),
    };
    for (const rule of rules) {
      const occurrence = occurrenceFor(rule, trigger);
      if (!occurrence) continue;
      await this.store.cancelScheduled(
        event.tenantId,
        { ruleKey: rule.key, leadId, exceptOccurrenceKey: occurrence.occurrenceKey },
        NOT_APPLICABLE_TEXTS.newerMessage,
      );
    }
    await this.fire(event.tenantId, trigger, { rules });
  }

  /** The contact wrote: their `no_reply` waits are over. */
  async onWhatsappInbound(event: WhatsappInboundEvent): Promise<void> {
    const rules = await this.rules.listEnabledFor(event.tenantId, ['no_reply']);
    if (rules.length === 0) return;
    const phone = normalizePhone(event.from) ?? event.from;
    for (const rule of rules) {
      await this.store.cancelScheduled(event.tenantId, { ruleKey: rule.key, phone }, sendHistory.replied());
    }
  }

  // ---- scheduling and cancelling ----

  /**
   * Schedule one send per enabled rule this event starts, if its conditions hold now. Redeliveries insert nothing
   * (`UNIQUE (tenant_id, occurrence_key)`). A send scheduled from the event's own facts (`partial`) that a later
   * change already handled would have cancelled (`later`) is created `cancelled`, with that cancellation's words.
   */
  private async fire(
    tenantId: string,
    trigger: TriggerEvent,
    options: {
      partial?: RuleFacts;
      later?: () => Promise<LaterFacts | null>;
      phone?: string;
      leadName?: string;
      rules?: AutomationRuleView[];
    } = {},
  ): Promise<void> {
    const rules = options.rules ?? (await this.rules.listEnabledFor(tenantId, [trigger.type]));
    let loaded: LoadedFacts | null | undefined;
    let later: LaterFacts | null | undefined;
    for (const rule of rules) {
      const occurrence = occurrenceFor(rule, trigger);
      if (!occurrence) continue;
      let facts: RuleFacts | null | undefined =
        options.partial && !needsFullLead(rule) ? options.partial : undefined;
      if (!facts) {
        loaded ??= await this.facts.load(tenantId, trigger.leadId, occurrence);
        facts = loaded;
      }
      if (!facts) return; // the lead is gone
      const why =
        occurrenceStillCurrent(rule, occurrence.occurrenceKey, facts) ?? whyNotApplicable(rule, facts);
      if (why) {
        this.logger.debug(`${rule.key} not scheduled for lead ${trigger.leadId}: ${why.text}`);
        continue;
      }
      // Facts read from crm-service are current; the event's own may be stale.
      if (facts === options.partial && options.later) later ??= await options.later();
      const cancelled = facts === options.partial && later ? whyNotApplicable(rule, later.facts) : null;
      const row = await this.store.insertScheduled({
        tenantId,
        ruleKey: rule.key,
        leadId: occurrence.leadId,
        occurrenceKey: occurrence.occurrenceKey,
        opportunityId: occurrence.opportunityId,
        saleId: occurrence.saleId,
        phone: loaded?.lead.phone ?? options.phone ?? null,
        leadName: loaded?.lead.name ?? options.leadName ?? null,
        templateName: rule.templateName,
        templateLanguage: rule.templateLanguage,
        dueAt: occurrence.dueAt,
        anchorAt: occurrence.anchorAt,
        manual: false,
        detail: sendHistory.scheduled(trigger.type, occurrence.dueAt),
        cancelledBecause: cancelled && later ? sendHistory.cancelled(cancelled.text, later.cause) : undefined,
      });
      if (row && cancelled) {
        this.logger.log(`${occurrence.occurrenceKey} created cancelled: ${cancelled.text} (heard before)`);
      } else if (row) {
        this.logger.log(`scheduled ${occurrence.occurrenceKey} at ${occurrence.dueAt.toISOString()}`);
      }
    }
  }

  /**
   * Check the lead's scheduled sends again and cancel those whose rule no longer applies (rule disabled or
   * deleted, the lead contacted, the opportunity closed or its deadline moved, a condition broken). Sends a person
   * triggered are only cancelled when their rule is deleted.
   */
  async recheckLead(tenantId: string, leadId: string, cause: string): Promise<void> {
    const rows = await this.store.listScheduledForLead(tenantId, leadId);
    if (rows.length === 0) return;
    const loaded = new Map<string, LoadedFacts | null>();
    for (const row of rows) {
      const why = await this.whyCancel(row, loaded);
      if (!why) continue;
      const cancelled = await this.store.cancelScheduled(
        tenantId,
        { ids: [row.id] },
        sendHistory.cancelled(why.text, cause),
      );
      if (cancelled.length > 0) this.logger.log(`cancelled ${row.occurrence_key}: ${why.text}`);
    }
  }

  private async whyCancel(
    row: SendRow,
    cache: Map<string, LoadedFacts | null>,
  ): Promise<NotApplicable | null> {
    const rule = await this.rules.find(row.tenant_id, row.rule_key);
    if (!rule) return { reason: 'rule_disabled', text: NOT_APPLICABLE_TEXTS.ruleDeleted };
    if (row.manual) return null;
    if (!rule.enabled) return { reason: 'rule_disabled', text: NOT_APPLICABLE_TEXTS.ruleDisabled };
    const cacheKey = `${row.opportunity_id}:${row.sale_id}`;
    if (!cache.has(cacheKey)) {
      cache.set(
        cacheKey,
        await this.facts.load(row.tenant_id, row.lead_id, {
          opportunityId: row.opportunity_id,
          saleId: row.sale_id,
        }),
      );
    }
    const facts = cache.get(cacheKey);
    if (!facts) return { reason: 'lead_not_found', text: NOT_APPLICABLE_TEXTS.leadNotFound };
    return occurrenceStillCurrent(rule, row.occurrence_key, facts) ?? whyNotApplicable(rule, facts);
  }

  /**
   * A rule was saved (inside its transaction, `db`): a new `delaySeconds` moves its scheduled, never-attempted sends
   * to the due time their anchor gives with it. A trigger of another type is another rule in all but name: its
   * waiting sends keep their time.
   */
  async onRuleSaved(
    db: EntityManager,
    tenantId: string,
    before: AutomationRuleView,
    saved: AutomationRuleView,
  ): Promise<void> {
    if (saved.delaySeconds === before.delaySeconds || saved.trigger.type !== before.trigger.type) return;
    const moved = await this.store.retimeScheduled(db, tenantId, saved.key, {
      delaySeconds: saved.delaySeconds,
      beforeAnchor: isBeforeAnchor(saved.trigger.type),
    });
    if (moved > 0) this.logger.log(`rule ${saved.key}: ${moved} scheduled send(s) moved to its new timing`);
  }

  /** A rule turned off or deleted: its scheduled sends will not go out (a person's triggers stay, unless deleted). */
  async onRuleStopped(tenantId: string, ruleKey: string, deleted: boolean): Promise<number> {
    const rows = await this.store.listScheduledForRule(tenantId, ruleKey);
    const ids = rows.filter((row) => deleted || !row.manual).map((row) => row.id);
    if (ids.length === 0) return 0;
    const cancelled = await this.store.cancelScheduled(
      tenantId,
      { ids },
      deleted ? NOT_APPLICABLE_TEXTS.ruleDeleted : NOT_APPLICABLE_TEXTS.ruleDisabled,
    );
    return cancelled.length;
  }
}
