import { Injectable } from '@nestjs/common';
import {
  DomainError,
  NOT_APPLICABLE_TEXTS,
  sendHistory,
  type AutomationRuleView,
  type LeadView,
  type SendReason,
  type SendTemplateRequest,
} from '@crm/contracts';
import { whyNotApplicable } from '../rules/rule-conditions';
import { RuleFactsLoader } from '../rules/rule-facts';
import { occurrenceStillCurrent } from '../rules/occurrence';
import { RulesService } from '../rules/rules.service';
import { resolveParameters } from '../rules/variable-mapping';
import type { SendRow } from '../sends/send-store';
import { callbackDataFor } from '../sends/sends.service';

/**
 * The idempotency key of a send: its occurrence key (`lead_followup:<lead>`, `opportunity_reminder:<opportunity>:
 * <deadline ms>`, `post_sale_feedback:<sale>`, …). It is fixed when the send is scheduled and never changes, so
 * every attempt of one occurrence carries the same key and WhatsApp gets it once at most. (For `lead_followup`
 * it equals the key of earlier versions, `<rule>:<lead>`.)
 */
export function idempotencyKeyFor(row: Pick<SendRow, 'occurrence_key'>): string {
  return row.occurrence_key;
}

/**
 * What a due send would go out as, with the lead and the rule it was checked against; or why it must not go out:
 * `cancel` when its occurrence no longer applies (rule deleted or off, lead gone, lead contacted, opportunity closed,
 * sale refunded, a condition broken — what a cancellation event would have cancelled, with the same words), `skip`
 * otherwise (rule paused, the claim lost).
 */
export type PreparedSend =
  | { skip: string; reason?: SendReason }
  | { cancel: string; reason: SendReason }
  | { request: SendTemplateRequest; lead: LeadView; rule: AutomationRuleView };

/**
 * Decides what a due send is: re-reads the rule, the lead and the opportunity or sale it is about, checks the
 * rule's trigger and conditions still hold (they were checked when it was scheduled; things change, and events are
 * consumed by independent durables, so the event that would have cancelled it may not have been handled yet), and
 * builds the header, body and button parameters. Nothing here talks to WhatsApp.
 */
@Injectable()
export class SendPreparer {
  constructor(
    private readonly rules: RulesService,
    private readonly facts: RuleFactsLoader,
  ) {}

  async prepare(row: SendRow): Promise<PreparedSend> {
    const tenantId = row.tenant_id;
    const rule = await this.rules.find(tenantId, row.rule_key);
    if (!rule) return { cancel: NOT_APPLICABLE_TEXTS.ruleDeleted, reason: 'rule_disabled' };
    // A person's trigger sends regardless of the rule's switch and conditions; opt-out always wins (RecipientGuard).
    if (!row.manual && !rule.enabled)
      return { cancel: NOT_APPLICABLE_TEXTS.ruleDisabled, reason: 'rule_disabled' };
    if (rule.pause) return { skip: sendHistory.rulePaused(rule.pause.message), reason: 'rule_paused' };
    const facts = await this.facts.load(tenantId, row.lead_id, {
      opportunityId: row.opportunity_id,
      saleId: row.sale_id,
    });
    if (!facts) return { cancel: NOT_APPLICABLE_TEXTS.leadNotFound, reason: 'lead_not_found' };
    const { lead } = facts;
    if (!lead.phone) return { skip: NOT_APPLICABLE_TEXTS.noPhone, reason: 'no_phone' };
    const phone = lead.phone;
    // Opt-out is decided by RecipientGuard (a rule may send utility templates to opted-out contacts).
    if (!row.manual) {
      const why = occurrenceStillCurrent(rule, row.occurrence_key, facts) ?? whyNotApplicable(rule, facts);
      if (why) return { cancel: why.text, reason: why.reason };
    }
    if (!rule.templateName || !rule.templateLanguage) {
      throw new DomainError('VALIDATION', 'the rule has no template');
    }
    const tenant = await this.facts.tenant(tenantId);
    const parameters = resolveParameters(rule.mapping, {
      lead,
      tenant,
      opportunity: facts.opportunity,
      sale: facts.sale,
    });
    const request: SendTemplateRequest = {
      tenantId,
      idempotencyKey: idempotencyKeyFor(row),
      to: phone,
      templateName: rule.templateName,
      language: rule.templateLanguage,
      bodyParameters: parameters.body,
      callbackData: callbackDataFor(row.id),
    };
    if (parameters.header.length > 0) request.headerParameters = parameters.header;
    if (rule.mapping.headerMedia) request.headerMedia = rule.mapping.headerMedia;
    if (parameters.buttons.length > 0) request.buttonParameters = parameters.buttons;
    return { lead, request, rule };
  }
}
