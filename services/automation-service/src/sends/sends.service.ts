import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  INITIAL_LEAD_STATUS,
  Rpc,
  type AutomationLogView,
  type LeadCreatedEvent,
  type TriggerRequest,
  type WhatsappInboundEvent,
  type WhatsappStatusEvent,
  normalizePhone,
  sendReasonForMetaCode,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { RulesService } from '../rules/rules.service';
import { SendStore, type SendError } from './send-store';

/** `biz_opaque_callback_data` of every automated message: marks it as ours and names the send. */
export const CALLBACK_PREFIX = 'automation:';

export function callbackDataFor(sendId: string): string {
  return `${CALLBACK_PREFIX}${sendId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sendIdFromCallback(callbackData: string | undefined): string | null {
  if (!callbackData?.startsWith(CALLBACK_PREFIX)) return null;
  const id = callbackData.slice(CALLBACK_PREFIX.length);
  return UUID.test(id) ? id : null;
}

/**
 * What happens to sends outside the scheduler: scheduling on lead creation, manual triggers, and delivery
 * updates from WhatsApp. Loop safety: the only thing that schedules a send is `lead.created` (or a person's
 * trigger); nothing here creates leads, changes them or publishes events, so a send can never cause another.
 */
@Injectable()
export class SendsService {
  private readonly logger = new Logger(SendsService.name);

  constructor(
    private readonly store: SendStore,
    private readonly rules: RulesService,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * A new lead in the initial status gets its follow-up scheduled at createdAt + delay — if the rule is on now.
   * Leads created while the rule is off are not backfilled when it is turned on. Redeliveries insert nothing
   * (unique (tenant, rule, lead)).
   */
  async onLeadCreated(event: LeadCreatedEvent): Promise<void> {
    if (event.status !== INITIAL_LEAD_STATUS) return;
    const rule = await this.rules.get(event.tenantId, 'lead_followup');
    if (!rule.enabled) return;
    const dueAt = new Date(new Date(event.createdAt).getTime() + rule.delaySeconds * 1000);
    const row = await this.store.insertScheduled({
      tenantId: event.tenantId,
      ruleKey: rule.key,
      leadId: event.leadId,
      phone: event.phone,
      leadName: event.name,
      templateName: rule.templateName,
      templateLanguage: rule.templateLanguage,
      dueAt,
      manual: false,
      detail: `lead created; follow-up due ${dueAt.toISOString()}`,
    });
    if (row) this.logger.log(`scheduled ${rule.key} for lead ${event.leadId} at ${dueAt.toISOString()}`);
  }

  /** Send the rule to one lead now (the scheduler picks it up within a poll interval). Once per lead, ever. */
  async trigger(request: TriggerRequest): Promise<AutomationLogView> {
    const { tenantId, ruleKey, leadId } = request;
    const lead = await this.rpc.call(Rpc.crm.getLead, { tenantId, leadId });
    if (lead.optedOut)
      throw new DomainError('VALIDATION', 'contact opted out: automations never message them');
    const rule = await this.rules.get(tenantId, ruleKey);
    const row = await this.store.insertScheduled({
      tenantId,
      ruleKey,
      leadId,
      phone: lead.phone,
      leadName: lead.name,
      templateName: rule.templateName,
      templateLanguage: rule.templateLanguage,
      dueAt: new Date(),
      manual: true,
      detail: 'triggered manually',
    });
    if (!row) throw new DomainError('CONFLICT', 'already sent to this lead', { leadId, ruleKey });
    const view = await this.store.getLogView(tenantId, row.id);
    if (!view) throw new DomainError('INTERNAL', 'the send just created is missing');
    return view;
  }

  /** A Meta status webhook: found by wamid (or our callback data); unknown messages are not ours. */
  async onWhatsappStatus(event: WhatsappStatusEvent): Promise<void> {
    const { tenantId } = event;
    let sendId = await this.store.findIdByWamid(tenantId, event.wamid);
    if (!sendId) {
      // The webhook may beat the scheduler storing the wamid: our callback data names the send.
      const fromCallback = sendIdFromCallback(event.callbackData);
      if (fromCallback && (await this.store.exists(tenantId, fromCallback))) sendId = fromCallback;
    }
    if (!sendId) return;
    const error = event.status === 'failed' ? describeStatusError(event) : undefined;
    const changed = await this.store.applyDeliveryUpdate(tenantId, sendId, event.status, {
      at: new Date(event.timestamp),
      detail: error ? `WhatsApp: ${error.message}` : `WhatsApp: ${event.status}`,
      wamid: event.wamid,
      error,
    });
    if (changed) this.logger.debug(`send ${sendId} is now ${changed}`);
  }

  /** An inbound message answering one of our sends (quoted, or from its phone within 7 days) marks it replied. */
  async onWhatsappInbound(event: WhatsappInboundEvent): Promise<void> {
    const at = new Date(event.timestamp);
    // Sends store the lead's phone as crm-service normalised it (e.g. Mexican +52 → +521); compare alike.
    const from = normalizePhone(event.from) ?? event.from;
    const ids = await this.store.findRepliedTo(event.tenantId, from, event.contextWamid ?? null, at);
    for (const id of ids) {
      await this.store.applyDeliveryUpdate(event.tenantId, id, 'replied', {
        at,
        detail: 'the contact replied',
      });
    }
  }
}

function describeStatusError(event: WhatsappStatusEvent): SendError {
  const first = event.errors?.[0];
  if (!first) {
    return {
      code: 'WHATSAPP_FAILED',
      message: 'WhatsApp could not deliver the message',
      reason: 'undeliverable',
    };
  }
  const message =
    first.message && first.message !== first.title ? `${first.title}: ${first.message}` : first.title;
  return { code: String(first.code), message, reason: sendReasonForMetaCode(Number(first.code)) };
}
