import { Injectable } from '@nestjs/common';
import {
  DomainError,
  INITIAL_LEAD_STATUS,
  Rpc,
  type LeadView,
  type SendTemplateRequest,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { RulesService } from '../rules/rules.service';
import { needsTenantName, resolveBodyParameters } from '../rules/variable-mapping';
import { SendStore, type SendRow } from '../sends/send-store';
import { TemplatePausesService } from '../templates/template-pauses.service';
import { callbackDataFor } from '../sends/sends.service';

/** The idempotency key of a send: the same for every attempt, so WhatsApp gets it at most once. */
export function idempotencyKeyFor(row: Pick<SendRow, 'rule_key' | 'lead_id'>): string {
  return `${row.rule_key}:${row.lead_id}`;
}

/** What a due send would go out as, with the lead it was checked against; or why it must not go out. */
export type PreparedSend = { skip: string } | { request: SendTemplateRequest; lead: LeadView };

/**
 * Decides what a due send is: re-reads the rule and the lead, checks the rule's conditions still hold, and builds
 * the template parameters. Nothing here talks to WhatsApp.
 */
@Injectable()
export class SendPreparer {
  constructor(
    private readonly store: SendStore,
    private readonly rules: RulesService,
    private readonly rpc: RpcClient,
    private readonly pauses: TemplatePausesService,
  ) {}

  async prepare(row: SendRow): Promise<PreparedSend> {
    const tenantId = row.tenant_id;
    // A person's trigger sends regardless of the rule's switch and of the lead's stage; opt-out always wins.
    const rule = await this.rules.get(tenantId, row.rule_key);
    if (!row.manual && !rule.enabled) return { skip: 'rule disabled' };
    // Its template paused or disabled by Meta (src/templates/): not sent, even by hand — Meta would refuse it.
    const pause = await this.pauses.pauseOf(tenantId, row.rule_key);
    if (pause) return { skip: `rule paused: ${pause.message}` };
    let lead: LeadView;
    try {
      lead = await this.rpc.call(Rpc.crm.getLead, {
        tenantId,
        leadId: row.lead_id,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return { skip: 'lead not found' };
      throw error;
    }
    if (lead.optedOut) return { skip: 'contact opted out' };
    if (!row.manual && lead.status !== INITIAL_LEAD_STATUS) return { skip: 'lead already contacted' };
    const stillOurs = await this.store.refreshDetails(tenantId, row.id, {
      phone: lead.phone,
      leadName: lead.name,
      templateName: rule.templateName,
      templateLanguage: rule.templateLanguage,
    });
    if (!stillOurs) return { skip: 'no longer claimed (marked failed as stuck); not sent' };
    if (!rule.templateName || !rule.templateLanguage) {
      throw new DomainError('VALIDATION', 'the rule has no template');
    }
    let tenantName: string | null = null;
    if (needsTenantName(rule.variableMapping, lead)) {
      const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId });
      tenantName = tenant.name;
    }
    const bodyParameters = resolveBodyParameters(rule.variableMapping, { lead, tenantName });
    return {
      lead,
      request: {
        tenantId,
        idempotencyKey: idempotencyKeyFor(row),
        to: lead.phone,
        templateName: rule.templateName,
        language: rule.templateLanguage,
        bodyParameters,
        callbackData: callbackDataFor(row.id),
      },
    };
  }
}
