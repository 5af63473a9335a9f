import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Events,
  RawMetaWebhookMessage,
  Webhooks,
  WhatsappInboundEvent,
  WhatsappStatusEvent,
} from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ConnectionStore } from '../connection/connection.store';
import { TemplatesService } from '../whatsapp/templates.service';
import { LeadgenService } from './leadgen.service';
import {
  idOf,
  isTrackedStatus,
  mapInbound,
  mapStatusErrors,
  unixToIso,
  type LeadgenValue,
  type MetaWebhookBody,
  type MetaWebhookEntry,
  type TemplateStatusValue,
  type WaMessagesValue,
} from './webhook-mapping';
import { WebhookEvents } from './webhook-events';

/** NATS refuses `.` in durable names, so the conventional `meta-ads-service.webhooks` is spelled with a dash. */
export const WEBHOOK_CONSUMER = 'meta-ads-service-webhooks';

/** Who a webhook belongs to: one tenant, nobody, or several (ambiguous: never guessed). */
type Routing = { tenantId: string } | { unknown: true } | { ambiguous: number };

/**
 * Turns verified raw Meta webhooks (`webhook.meta.raw`) into tenant-scoped domain events. The tenant is the one
 * whose connection names the phone number / WABA / page — unknown or ambiguous ids are logged and acked, never
 * guessed. Each item is recorded in `webhook_receipts`, so a body redelivered after JetStream's duplicate window
 * has no second effect.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly connections: ConnectionStore,
    private readonly events: WebhookEvents,
    private readonly leadgens: LeadgenService,
    private readonly templates: TemplatesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: WEBHOOK_CONSUMER,
      subject: Webhooks.metaRaw,
      payload: RawMetaWebhookMessage,
      handler: (message) => this.handle(message),
    });
  }

  async handle(message: RawMetaWebhookMessage): Promise<void> {
    let body: MetaWebhookBody;
    try {
      body = JSON.parse(message.body) as MetaWebhookBody;
    } catch {
      this.logger.error(`dropping webhook received ${message.receivedAt}: body is not JSON`);
      return;
    }
    if (typeof body !== 'object' || body === null || !Array.isArray(body.entry)) {
      this.logger.error(`dropping webhook received ${message.receivedAt}: no entry[]`);
      return;
    }
    for (const entry of body.entry) {
      for (const change of entry.changes ?? []) {
        if (body.object === 'whatsapp_business_account' && change.field === 'messages') {
          await this.whatsappMessages(entry, (change.value ?? {}) as WaMessagesValue);
        } else if (
          body.object === 'whatsapp_business_account' &&
          change.field === 'message_template_status_update'
        ) {
          await this.templateStatus(entry, (change.value ?? {}) as TemplateStatusValue);
        } else if (body.object === 'page' && change.field === 'leadgen') {
          await this.leadgen(entry, (change.value ?? {}) as LeadgenValue);
        } else {
          this.logger.debug(`ignoring webhook ${body.object ?? '?'}/${change.field ?? '?'}`);
        }
      }
    }
  }

  private async whatsappMessages(entry: MetaWebhookEntry, value: WaMessagesValue): Promise<void> {
    const phoneNumberId = value.metadata?.phone_number_id;
    const wabaId = idOf(entry.id);
    const routing = await this.tenantForWhatsapp(phoneNumberId, wabaId);
    if (!('tenantId' in routing)) return;
    const { tenantId } = routing;
    for (const message of value.messages ?? []) {
      const mapped = mapInbound(message, value);
      if (!mapped) {
        this.logger.warn(
          `tenant ${tenantId}: skipping inbound message ${message.id ?? '-'} without usable sender`,
        );
        continue;
      }
      const key = `wa-in:${mapped.wamid}`;
      if (await this.events.seen(tenantId, key)) continue;
      const event: Record<string, unknown> = {
        tenantId,
        phoneNumberId: phoneNumberId ?? '',
        ...mapped.fields,
      };
      const referral = message.referral;
      const adId = idOf(referral?.source_id);
      if (adId && referral?.source_type === 'ad')
        event.attribution = await this.events.attribution(tenantId, adId);
      await this.events.publish(Events.whatsappInbound, WhatsappInboundEvent, event, key, tenantId);
    }
    for (const status of value.statuses ?? []) {
      if (!status.id || !isTrackedStatus(status.status)) continue;
      const key = `wa-st:${status.id}:${status.status}`;
      if (await this.events.seen(tenantId, key)) continue;
      const errors = mapStatusErrors(status.errors);
      const event: Record<string, unknown> = {
        tenantId,
        wamid: status.id,
        status: status.status,
        timestamp: unixToIso(status.timestamp) ?? new Date().toISOString(),
        recipientId: status.recipient_id ?? '',
        ...(status.biz_opaque_callback_data !== undefined
          ? { callbackData: status.biz_opaque_callback_data }
          : {}),
        ...(errors ? { errors } : {}),
      };
      await this.events.publish(Events.whatsappStatus, WhatsappStatusEvent, event, key, tenantId);
    }
  }

  private async templateStatus(entry: MetaWebhookEntry, value: TemplateStatusValue): Promise<void> {
    const wabaId = idOf(entry.id);
    if (!wabaId || !value.event) return;
    const tenants = await this.connections.tenantsRouting({ wabaId });
    if (tenants.length === 0) {
      this.logger.warn(`template status webhook for unknown WABA ${wabaId}: acked, not routed`);
      return;
    }
    for (const tenantId of tenants) {
      const updated = await this.templates.updateStatus(tenantId, {
        templateId: idOf(value.message_template_id),
        name: value.message_template_name,
        language: value.message_template_language,
        status: value.event,
      });
      this.logger.log(
        `tenant ${tenantId}: template ${value.message_template_name ?? idOf(value.message_template_id)} → ${value.event} (${updated} row)`,
      );
    }
  }

  private async leadgen(entry: MetaWebhookEntry, value: LeadgenValue): Promise<void> {
    const leadgenId = idOf(value.leadgen_id);
    const pageId = idOf(value.page_id) ?? idOf(entry.id);
    if (!leadgenId || !pageId) return;
    const routing = await this.tenantForPage(pageId);
    if ('unknown' in routing) {
      this.logger.warn(`leadgen webhook for unknown page ${pageId} (lead ${leadgenId}): acked, not routed`);
      return;
    }
    if ('ambiguous' in routing) {
      this.logger.error(
        `leadgen webhook for page ${pageId} (lead ${leadgenId}) is claimed by ${routing.ambiguous} tenants: acked, not routed`,
      );
      return;
    }
    if (await this.events.seen(routing.tenantId, `leadgen:${leadgenId}`)) return;
    const createdTime = unixToIso(value.created_time);
    await this.leadgens.receive(routing.tenantId, {
      leadgenId,
      pageId,
      formId: idOf(value.form_id),
      adId: idOf(value.ad_id),
      adgroupId: idOf(value.adgroup_id),
      ...(createdTime ? { createdTime: new Date(createdTime) } : {}),
    });
  }

  /**
   * The connection that owns the number, else the WABA (both are exclusive to one non-disconnected tenant: see
   * `selectAssets` and the partial unique indexes). Several matches cannot happen; if they did, nobody gets it.
   */
  private async tenantForWhatsapp(phoneNumberId?: string, wabaId?: string): Promise<Routing> {
    for (const where of [phoneNumberId ? { phoneNumberId } : undefined, wabaId ? { wabaId } : undefined]) {
      if (!where) continue;
      const matches = await this.connections.tenantsRouting(where, 2);
      if (matches.length > 1) {
        this.logger.error(
          `WhatsApp webhook for ${JSON.stringify(where)} is claimed by several tenants: acked, not routed`,
        );
        return { ambiguous: matches.length };
      }
      if (matches.length === 1) return { tenantId: matches[0] };
    }
    this.logger.warn(
      `WhatsApp webhook for unknown phone_number_id ${phoneNumberId ?? '-'} / WABA ${wabaId ?? '-'}: acked, not routed`,
    );
    return { unknown: true };
  }

  /** Page ids come from each token, so several tenants may see one page: then the webhook is not routed. */
  private async tenantForPage(pageId: string): Promise<Routing> {
    const matches = await this.connections.tenantsRoutingPage(pageId);
    if (matches.length === 0) return { unknown: true };
    if (matches.length > 1) return { ambiguous: matches.length };
    return { tenantId: matches[0] };
  }
}
