import { Injectable } from '@nestjs/common';
import {
  DomainError,
  sendHistory,
  type AutomationLogView,
  type AutomationRuleView,
  type LeadDetail,
  type PreviewRequest,
  type SendReason,
  type TriggerPreview,
  type TriggerRequest,
} from '@crm/contracts';
import { whyNotApplicable } from '../rules/rule-conditions';
import { OPPORTUNITY_TRIGGERS, manualOccurrenceKey } from '../rules/occurrence';
import { RulesService } from '../rules/rules.service';
import { TemplatePreflight, mappingMisfit } from '../rules/template-preflight';
import { fillPlaceholders, resolveParameters } from '../rules/variable-mapping';
import { SendStore } from '../sends/send-store';
import { RuleFactsLoader } from '../rules/rule-facts';

type About = { opportunityId: string | null; saleId: string | null };

/**
 * The opportunity or sale a person's trigger is about: the one named, else for opportunity rules the lead's most
 * recent pending opportunity and for sale rules its most recent completed sale.
 */
export function pickEntity(
  rule: Pick<AutomationRuleView, 'trigger'>,
  lead: Pick<LeadDetail, 'opportunities' | 'sales'>,
  request: { opportunityId?: string; saleId?: string },
): About {
  const about: About = { opportunityId: null, saleId: null };
  if (request.opportunityId) {
    if (!lead.opportunities.some((o) => o.id === request.opportunityId)) {
      throw new DomainError('NOT_FOUND', 'the lead has no such opportunity', { field: 'opportunityId' });
    }
    about.opportunityId = request.opportunityId;
  }
  if (request.saleId) {
    const sale = lead.sales.find((s) => s.id === request.saleId);
    if (!sale) throw new DomainError('NOT_FOUND', 'the lead has no such sale', { field: 'saleId' });
    about.saleId = sale.id;
    about.opportunityId ??= sale.opportunityId;
  }
  const latest = <T extends { createdAt: string }>(list: T[]): T | undefined =>
    [...list].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  if (!about.opportunityId && OPPORTUNITY_TRIGGERS.includes(rule.trigger.type)) {
    const opportunity =
      latest(lead.opportunities.filter((o) => o.status === 'pending')) ?? latest(lead.opportunities);
    if (!opportunity)
      throw new DomainError('VALIDATION', 'the lead has no opportunity', { field: 'opportunityId' });
    about.opportunityId = opportunity.id;
  }
  if (!about.saleId && rule.trigger.type === 'sale.completed') {
    const sale = latest(lead.sales.filter((s) => s.status === 'completed'));
    if (!sale) throw new DomainError('VALIDATION', 'the lead has no completed sale', { field: 'saleId' });
    about.saleId = sale.id;
  }
  return about;
}

/** A person's trigger of any rule for one lead, and its dry run. */
@Injectable()
export class ManualTrigger {
  constructor(
    private readonly store: SendStore,
    private readonly rules: RulesService,
    private readonly facts: RuleFactsLoader,
    private readonly templates: TemplatePreflight,
  ) {}

  /**
   * Send the rule to one lead now (the scheduler picks it up within a poll interval). It ignores the rule's switch
   * and conditions, never messages an opted-out contact, and is once per rule × lead (× opportunity/sale);
   * for `lead_followup` it is the lead's one follow-up. Once more only when that send ended failed with an unknown
   * outcome (WhatsApp never said, nothing proved it was not sent): the system never re-sends that on a guess, a
   * person may — one more send, under a key of its own.
   */
  async trigger(request: TriggerRequest): Promise<AutomationLogView> {
    const { tenantId, ruleKey, leadId } = request;
    const rule = await this.rules.get(tenantId, ruleKey);
    const facts = await this.facts.load(tenantId, leadId);
    if (!facts) throw new DomainError('NOT_FOUND', 'lead not found', { leadId });
    if (facts.lead.optedOut) {
      throw new DomainError('VALIDATION', 'contact opted out: automations never message them');
    }
    const about = pickEntity(rule, facts.lead, request);
    const occurrenceKey = manualOccurrenceKey(ruleKey, leadId, about);
    const insert = (key: string, detail: string) =>
      this.store.insertScheduled({
        tenantId,
        ruleKey,
        leadId,
        occurrenceKey: key,
        opportunityId: about.opportunityId,
        saleId: about.saleId,
        phone: facts.lead.phone,
        leadName: facts.lead.name,
        templateName: rule.templateName,
        templateLanguage: rule.templateLanguage,
        dueAt: new Date(),
        manual: true,
        detail,
      });
    let row = await insert(occurrenceKey, sendHistory.manual());
    if (!row) {
      const previous = await this.store.findByOccurrence(tenantId, occurrenceKey);
      if (previous?.status === 'failed' && previous.error?.reason === 'outcome_unknown') {
        row = await insert(`${occurrenceKey}:resend`, sendHistory.manualResend(previous.id));
      }
    }
    if (!row) throw new DomainError('CONFLICT', 'already sent to this lead', { leadId, ruleKey });
    const view = await this.store.getLogView(tenantId, row.id);
    if (!view) throw new DomainError('INTERNAL', 'the send just created is missing');
    return view;
  }

  /**
   * The dry run of `trigger`: the message as the contact would read it (parameters filled in), or why it would not
   * go out (a `SEND_REASONS` code). Nothing is written. The rule's switch and conditions do not stop a person's
   * trigger; when the conditions do not hold now that is said in `conditionsText`.
   */
  async preview(request: PreviewRequest): Promise<TriggerPreview> {
    const { tenantId, ruleKey, leadId } = request;
    const rule = await this.rules.get(tenantId, ruleKey);
    const preview: TriggerPreview = {
      wouldSend: false,
      reason: null,
      reasonText: null,
      kind: 'template',
      to: null,
      templateName: rule.templateName,
      templateLanguage: rule.templateLanguage,
      renderedText: null,
      headerParameters: [],
      bodyParameters: [],
      sendAt: null,
      conditionsText: null,
    };
    const refuse = (reason: SendReason, text: string) => {
      if (!preview.reason) {
        preview.reason = reason;
        preview.reasonText = text;
      }
    };
    const facts = await this.facts.load(tenantId, leadId);
    if (!facts) {
      refuse('lead_not_found', 'lead not found');
      return preview;
    }
    preview.to = facts.lead.phone;
    if (!facts.lead.phone) refuse('no_phone', 'lead has no phone number');
    if (facts.lead.optedOut) refuse('opted_out', 'contact opted out');
    if (rule.pause) refuse('rule_paused', rule.pause.message);
    let about: About = { opportunityId: null, saleId: null };
    try {
      about = pickEntity(rule, facts.lead, request);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refuse('condition_changed', error.message);
    }
    const opportunity = facts.lead.opportunities.find((o) => o.id === about.opportunityId) ?? null;
    const sale = facts.lead.sales.find((s) => s.id === about.saleId) ?? null;
    preview.conditionsText = whyNotApplicable(rule, { lead: facts.lead, opportunity, sale })?.text ?? null;
    const template =
      rule.templateName && rule.templateLanguage
        ? await this.templates.find(tenantId, rule.templateName, rule.templateLanguage)
        : null;
    if (!template) refuse('template_not_approved', 'the rule has no template that exists in WhatsApp');
    else {
      const misfit = mappingMisfit(rule, template);
      if (misfit) refuse('template_not_approved', misfit.message);
    }
    try {
      const tenant = await this.facts.tenant(tenantId);
      const parameters = resolveParameters(rule.mapping, { lead: facts.lead, tenant, opportunity, sale });
      preview.headerParameters = parameters.header;
      preview.bodyParameters = parameters.body;
      if (template) {
        preview.renderedText = [
          template.headerText ? fillPlaceholders(template.headerText, parameters.header) : null,
          fillPlaceholders(template.bodyText, parameters.body),
        ]
          .filter((part): part is string => part !== null)
          .join('\n\n');
      }
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION') throw error;
      refuse('missing_variable', error.message);
    }
    preview.wouldSend = preview.reason === null;
    preview.sendAt = preview.wouldSend ? new Date().toISOString() : null;
    return preview;
  }
}
