import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  INITIAL_LEAD_STATUS,
  Rpc,
  type LeadView,
  type RpcErrorCode,
  type SendTemplateRequest,
  type SendTemplateResult,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { RulesService } from '../rules/rules.service';
import { needsTenantName, resolveBodyParameters } from '../rules/variable-mapping';
import { SendStore, type SendRow } from '../sends/send-store';
import { callbackDataFor } from '../sends/sends.service';
import { RETRYABLE_BEFORE_SEND, RETRYABLE_CODES, decideRetry } from './backoff';

/** meta-ads-service may retry Meta itself; give it longer than a plain read. */
export const SEND_TEMPLATE_TIMEOUT_MS = 15_000;

export function idempotencyKeyFor(row: Pick<SendRow, 'rule_key' | 'lead_id'>): string {
  return `${row.rule_key}:${row.lead_id}`;
}

type Outcome = 'accepted' | 'skipped' | 'failed' | 'retry';

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError('INTERNAL', error instanceof Error ? error.message : String(error));
}

/**
 * Takes one claimed (`sending`) send to WhatsApp: re-checks the lead and the rule, builds the template
 * parameters, and calls meta-ads-service with the idempotency key `<rule>:<lead>` — so even a retried attempt can
 * reach WhatsApp once at most. The `sent` status comes later from the status webhook.
 */
@Injectable()
export class SendProcessor {
  private readonly logger = new Logger(SendProcessor.name);

  constructor(
    private readonly store: SendStore,
    private readonly rules: RulesService,
    private readonly rpc: RpcClient,
  ) {}

  async process(row: SendRow): Promise<Outcome> {
    const tenantId = row.tenant_id;
    let request: SendTemplateRequest;
    try {
      const prepared = await this.prepare(row);
      if ('skip' in prepared) return await this.finish(row, 'skipped', prepared.skip);
      request = prepared.request;
    } catch (error) {
      // Nothing was sent yet: a retry is always safe here.
      return this.afterError(row, asDomainError(error), 'before sending', RETRYABLE_BEFORE_SEND);
    }
    let result: SendTemplateResult;
    try {
      result = await this.rpc.call(Rpc.meta.sendTemplate, request, SEND_TEMPLATE_TIMEOUT_MS);
    } catch (error) {
      return this.afterError(row, asDomainError(error), 'sending', RETRYABLE_CODES);
    }
    await this.store.markAccepted(tenantId, row.id, result.wamid, 'accepted by WhatsApp');
    return 'accepted';
  }

  private async prepare(row: SendRow): Promise<{ skip: string } | { request: SendTemplateRequest }> {
    const tenantId = row.tenant_id;
    // A person's trigger sends regardless of the rule's switch and of the lead's stage; opt-out always wins.
    const rule = await this.rules.get(tenantId, row.rule_key);
    if (!row.manual && !rule.enabled) return { skip: 'rule disabled' };
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

  private async afterError(
    row: SendRow,
    error: DomainError,
    stage: string,
    retryable: readonly RpcErrorCode[],
  ): Promise<Outcome> {
    const sendError = { code: error.code, message: error.message };
    const decision = decideRetry(row.attempts, error, retryable);
    if (decision.retry) {
      const dueAt = new Date(Date.now() + decision.delayMs);
      this.logger.warn(
        `send ${row.id} (${stage}) attempt ${row.attempts} failed with ${error.code}; retrying at ${dueAt.toISOString()}`,
      );
      await this.store.finishAttempt(row.tenant_id, row.id, 'scheduled', {
        detail: `${error.code}: ${error.message}; retry at ${dueAt.toISOString()}`,
        error: sendError,
        dueAt,
      });
      return 'retry';
    }
    const why = decision.reason === 'exhausted' ? `gave up after ${row.attempts} attempts: ` : '';
    this.logger.warn(`send ${row.id} (${stage}) failed with ${error.code}`);
    await this.store.finishAttempt(row.tenant_id, row.id, 'failed', {
      detail: `${why}${error.code}: ${error.message}`,
      error: sendError,
    });
    return 'failed';
  }

  private async finish(row: SendRow, to: 'skipped', detail: string): Promise<Outcome> {
    await this.store.finishAttempt(row.tenant_id, row.id, to, { detail });
    return to;
  }
}
