import {
  INITIAL_LEAD_STATUS,
  NOT_APPLICABLE_TEXTS,
  sendHistory,
  type AutomationRuleView,
  type LeadView,
  type OpportunityView,
  type RuleConditions,
  type SaleView,
  type SendReason,
} from '@crm/contracts';

/** What a rule's conditions are checked against: the lead and, for opportunity/sale triggers, that entity. */
export type RuleFacts = {
  lead: Pick<LeadView, 'status' | 'leadSource' | 'metaCampaignId' | 'metaAdId' | 'assignedUserId' | 'tags'>;
  opportunity?: Pick<OpportunityView, 'status' | 'value' | 'deadline'> | null;
  sale?: Pick<SaleView, 'status'> | null;
};

/** Why a rule does not apply (any more): a `SEND_REASONS` code and a sentence for the log. */
export type NotApplicable = { reason: SendReason; text: string };

const anyOf = (list: string[] | undefined, value: string | null): boolean =>
  !list || list.length === 0 || (value !== null && list.includes(value));

/**
 * The user's conditions (all must hold; an empty list or a missing field means "any"). Checked when the send is
 * scheduled and again when it is due. Null when they hold.
 */
export function failedCondition(conditions: RuleConditions, facts: RuleFacts): NotApplicable | null {
  const { lead, opportunity } = facts;
  const fail = (text: string): NotApplicable => ({ reason: 'condition_changed', text });
  if (!anyOf(conditions.leadSources, lead.leadSource)) return fail(sendHistory.leadSourceIs(lead.leadSource));
  if (!anyOf(conditions.leadStatuses, lead.status)) return fail(sendHistory.leadStatusIs(lead.status));
  if (!anyOf(conditions.campaignIds, lead.metaCampaignId)) return fail(NOT_APPLICABLE_TEXTS.notFromCampaign);
  if (!anyOf(conditions.adIds, lead.metaAdId)) return fail(NOT_APPLICABLE_TEXTS.notFromAd);
  if (!anyOf(conditions.sellerIds, lead.assignedUserId)) return fail(NOT_APPLICABLE_TEXTS.anotherSeller);
  if (conditions.tags && conditions.tags.length > 0) {
    const tags = new Set(lead.tags.map((t) => t.toLowerCase()));
    if (!conditions.tags.some((t) => tags.has(t.toLowerCase()))) return fail(NOT_APPLICABLE_TEXTS.noTags);
  }
  const min = conditions.minOpportunityValue ?? null;
  const max = conditions.maxOpportunityValue ?? null;
  if (min !== null || max !== null) {
    if (!opportunity) return fail(NOT_APPLICABLE_TEXTS.noOpportunityValue);
    if (min !== null && opportunity.value < min) return fail(sendHistory.valueBelow(opportunity.value, min));
    if (max !== null && opportunity.value > max) return fail(sendHistory.valueAbove(opportunity.value, max));
  }
  return null;
}

/**
 * What the trigger itself implies must still be true when the message goes out: the follow-up is for a lead still
 * in its initial status, a reminder for a pending opportunity, feedback for a sale not refunded, a "status changed
 * to X" message for a lead still in X.
 */
export function triggerNoLongerHolds(
  rule: Pick<AutomationRuleView, 'key' | 'trigger'>,
  facts: RuleFacts,
): NotApplicable | null {
  const fail = (text: string): NotApplicable => ({ reason: 'condition_changed', text });
  if (rule.key === 'lead_followup' && facts.lead.status !== INITIAL_LEAD_STATUS) {
    return fail(NOT_APPLICABLE_TEXTS.alreadyContacted);
  }
  switch (rule.trigger.type) {
    case 'lead.status_changed':
      if (rule.trigger.toStatus && facts.lead.status !== rule.trigger.toStatus) {
        return fail(sendHistory.leadNoLonger(rule.trigger.toStatus));
      }
      return null;
    case 'opportunity.deadline':
      if (!facts.opportunity) return fail(NOT_APPLICABLE_TEXTS.opportunityNotFound);
      if (facts.opportunity.status !== 'pending')
        return fail(sendHistory.opportunityIs(facts.opportunity.status));
      return null;
    case 'opportunity.created':
    case 'opportunity.won':
    case 'opportunity.lost':
      if (!facts.opportunity) return fail(NOT_APPLICABLE_TEXTS.opportunityNotFound);
      return null;
    case 'sale.completed':
      if (!facts.sale) return fail(NOT_APPLICABLE_TEXTS.saleNotFound);
      if (facts.sale.status === 'refunded') return fail(NOT_APPLICABLE_TEXTS.saleRefunded);
      return null;
    default:
      return null;
  }
}

/** Both checks, trigger first. */
export function whyNotApplicable(rule: AutomationRuleView, facts: RuleFacts): NotApplicable | null {
  return triggerNoLongerHolds(rule, facts) ?? failedCondition(rule.conditions, facts);
}
