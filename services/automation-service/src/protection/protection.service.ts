import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  NOT_APPLICABLE_TEXTS,
  DEFAULT_SEND_WINDOW,
  DomainError,
  normalizePhone,
  type LeadOptedOutEvent,
  type ProtectionSettingsView,
  type UpdateProtectionSettingsRequest,
  type WhatsappInboundEvent,
} from '@crm/contracts';
import { RulesService } from '../rules/rules.service';
import { ProtectionStore } from './protection-store';
import { PROTECTION_OPTIONS, type ProtectionOptions } from './recipient-guard';
import { RecipientLookups } from './template-categories';

/** The customer-service window: 24 h after the contact's last message; 72 h when it came from a CTWA ad. */
export const CS_WINDOW_HOURS = 24;
export const CTWA_WINDOW_HOURS = 72;

export const OPTED_OUT_DETAIL = NOT_APPLICABLE_TEXTS.optedOut;

/** What the protection consumers do with CRM and WhatsApp events; idempotent (upserts, status guards). */
@Injectable()
export class ProtectionService {
  private readonly logger = new Logger(ProtectionService.name);

  constructor(
    private readonly store: ProtectionStore,
    private readonly rules: RulesService,
    private readonly lookups: RecipientLookups,
    @Inject(PROTECTION_OPTIONS) private readonly options: ProtectionOptions,
  ) {}

  async settings(tenantId: string): Promise<ProtectionSettingsView> {
    return {
      ...(await this.store.readSettings(tenantId)),
      defaultSendWindow: this.options.enforceDefaultSendWindow ? DEFAULT_SEND_WINDOW : null,
    };
  }

  /** Change the frequency cap and/or the tenant's default send window (`null` = the service default). */
  async updateSettings(request: UpdateProtectionSettingsRequest): Promise<ProtectionSettingsView> {
    const { tenantId } = request;
    const current = await this.store.readSettings(tenantId);
    const sendWindow = request.sendWindow === undefined ? current.sendWindow : request.sendWindow;
    if (sendWindow && sendWindow.days.length === 0) {
      throw new DomainError('VALIDATION', 'a send window needs at least one day', { field: 'sendWindow' });
    }
    await this.store.saveSettings(tenantId, {
      marketingPerContact: request.marketingPerContact ?? current.marketingPerContact,
      capHours: request.capHours ?? current.capHours,
      sendWindow: sendWindow
        ? {
            days: [...new Set(sendWindow.days)].sort((a, b) => a - b),
            start: sendWindow.start,
            end: sendWindow.end,
          }
        : null,
    });
    return this.settings(tenantId);
  }

  /** An inbound message opens the contact's customer-service window (a redelivery changes nothing). */
  async onWhatsappInbound(event: WhatsappInboundEvent): Promise<void> {
    const phone = normalizePhone(event.from) ?? event.from;
    const at = new Date(event.timestamp);
    const hours = event.referral ? CTWA_WINDOW_HOURS : CS_WINDOW_HOURS;
    await this.store.recordInbound(event.tenantId, phone, at, new Date(at.getTime() + hours * 3_600_000));
  }

  /**
   * A contact opted out: their scheduled sends are cancelled, except utility templates of rules that allow
   * utility messages to opted-out contacts (those are checked again by RecipientGuard when due).
   */
  async onLeadOptedOut(event: LeadOptedOutEvent): Promise<number> {
    const { tenantId, leadId } = event;
    const scheduled = await this.store.scheduledOfLead(tenantId, leadId);
    const cancel: string[] = [];
    for (const send of scheduled) {
      const rule = (await this.rules.get(tenantId, send.rule_key as never)) as {
        limits?: { utilityToOptedOut?: boolean };
        templateName: string | null;
        templateLanguage: string | null;
      };
      const category = await this.lookups.templateCategory(
        tenantId,
        send.template_name ?? rule.templateName,
        send.template_language ?? rule.templateLanguage,
      );
      const keep = category === 'UTILITY' && rule.limits?.utilityToOptedOut === true;
      if (!keep) cancel.push(send.id);
    }
    const cancelled = await this.store.cancelScheduled(tenantId, cancel, OPTED_OUT_DETAIL);
    if (cancelled > 0)
      this.logger.log(`lead ${leadId} opted out (${event.source}): ${cancelled} send(s) cancelled`);
    return cancelled;
  }
}
