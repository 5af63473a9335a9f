import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DomainError,
  Events,
  LeadgenReceivedEvent,
  RawMetaWebhookMessage,
  Webhooks,
  WhatsappInboundEvent,
  WhatsappStatusEvent,
  parsePayload,
  type AdAttribution,
} from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { In, Repository } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';
import { ConnectionEntity } from '../connection/connection.entity';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { TemplatesService } from '../whatsapp/templates.service';
import {
  idOf,
  isTrackedStatus,
  mapInbound,
  mapLeadFields,
  mapStatusErrors,
  metaTimeToIso,
  unixToIso,
  type GraphLead,
  type LeadgenValue,
  type MetaWebhookBody,
  type MetaWebhookEntry,
  type TemplateStatusValue,
  type WaMessagesValue,
} from './webhook-mapping';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

/** NATS refuses `.` in durable names, so the conventional `meta-ads-service.webhooks` is spelled with a dash. */
export const WEBHOOK_CONSUMER = 'meta-ads-service-webhooks';

/** Connections that still route webhooks (an expired token still owns its number and pages). */
const ROUTABLE_STATES: ConnectionEntity['state'][] = ['connected', 'expired'];

/**
 * Turns verified raw Meta webhooks (`webhook.meta.raw`) into tenant-scoped domain events. Each item is recorded in
 * `webhook_receipts`, so a body redelivered after JetStream's duplicate window has no second effect.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
    @InjectRepository(WebhookReceiptEntity) private readonly receipts: Repository<WebhookReceiptEntity>,
    private readonly store: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly catalog: AdCatalogService,
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
    const tenantId = await this.tenantForWhatsapp(phoneNumberId, wabaId);
    if (!tenantId) {
      this.logger.warn(
        `WhatsApp webhook for unknown phone_number_id ${phoneNumberId ?? '-'} / WABA ${wabaId ?? '-'}: acked, not routed`,
      );
      return;
    }
    for (const message of value.messages ?? []) {
      const mapped = mapInbound(message, value);
      if (!mapped) {
        this.logger.warn(
          `tenant ${tenantId}: skipping inbound message ${message.id ?? '-'} without usable sender`,
        );
        continue;
      }
      const key = `wa-in:${mapped.wamid}`;
      if (await this.seen(key)) continue;
      const event: Record<string, unknown> = {
        tenantId,
        phoneNumberId: phoneNumberId ?? '',
        ...mapped.fields,
      };
      const referral = message.referral;
      const adId = idOf(referral?.source_id);
      if (adId && referral?.source_type === 'ad') event.attribution = await this.attribution(tenantId, adId);
      await this.publish(Events.whatsappInbound, WhatsappInboundEvent, event, key, tenantId);
    }
    for (const status of value.statuses ?? []) {
      if (!status.id || !isTrackedStatus(status.status)) continue;
      const key = `wa-st:${status.id}:${status.status}`;
      if (await this.seen(key)) continue;
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
      await this.publish(Events.whatsappStatus, WhatsappStatusEvent, event, key, tenantId);
    }
  }

  private async templateStatus(entry: MetaWebhookEntry, value: TemplateStatusValue): Promise<void> {
    const wabaId = idOf(entry.id);
    if (!wabaId || !value.event) return;
    const tenants = await this.connections.find({
      select: { tenantId: true },
      where: { wabaId, state: In(ROUTABLE_STATES) },
    });
    if (tenants.length === 0) {
      this.logger.warn(`template status webhook for unknown WABA ${wabaId}: acked, not routed`);
      return;
    }
    for (const { tenantId } of tenants) {
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
    const key = `leadgen:${leadgenId}`;
    if (await this.seen(key)) return;
    const tenantId = await this.tenantForPage(pageId);
    if (!tenantId) {
      this.logger.warn(`leadgen webhook for unknown page ${pageId} (lead ${leadgenId}): acked, not routed`);
      return;
    }
    const { token } = await this.store.requireActive(tenantId);
    let lead: GraphLead;
    try {
      lead = await this.graph.get<GraphLead>({
        tenantId,
        family: 'ads',
        token,
        storedToken: true,
        path: leadgenId,
        query: { fields: 'id,created_time,ad_id,adset_id,campaign_id,form_id,field_data' },
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'META_REJECTED' && error.details?.metaCode === 100) {
        this.logger.warn(`tenant ${tenantId}: lead ${leadgenId} is not readable on Meta; skipped`);
        return;
      }
      throw error;
    }
    const adId = idOf(lead.ad_id) ?? idOf(value.ad_id) ?? idOf(value.adgroup_id);
    let attribution: AdAttribution | undefined;
    if (adId) {
      attribution =
        lead.adset_id && lead.campaign_id
          ? { adId, adsetId: lead.adset_id, campaignId: lead.campaign_id }
          : await this.attribution(tenantId, adId);
    }
    const formId = idOf(lead.form_id) ?? idOf(value.form_id);
    const event: Record<string, unknown> = {
      tenantId,
      leadgenId,
      pageId,
      createdTime:
        metaTimeToIso(lead.created_time) ?? unixToIso(value.created_time) ?? new Date().toISOString(),
      ...(formId ? { formId } : {}),
      ...(attribution ? { attribution } : {}),
      ...mapLeadFields(lead.field_data),
    };
    await this.publish(Events.leadgenReceived, LeadgenReceivedEvent, event, key, tenantId);
  }

  /** The ad resolved to ad set and campaign; a failure leaves just the ad id. */
  private async attribution(tenantId: string, adId: string): Promise<AdAttribution> {
    try {
      const ad = await this.catalog.resolve(tenantId, adId);
      return { adId, adsetId: ad.adsetId, campaignId: ad.campaignId };
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: ad ${adId} not resolved (${error instanceof DomainError ? error.code : 'error'})`,
      );
      return { adId };
    }
  }

  private async publish<T extends object>(
    subject: string,
    cls: new () => T,
    event: Record<string, unknown>,
    key: string,
    tenantId: string,
  ): Promise<void> {
    let payload: T;
    try {
      payload = parsePayload(cls, event);
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: not publishing ${key}: ${error instanceof Error ? error.message : ''}`,
      );
      return;
    }
    await this.jetstream.publish(subject, payload, key);
    await this.receipts
      .createQueryBuilder()
      .insert()
      .into(WebhookReceiptEntity)
      .values({ eventKey: key, tenantId, receivedAt: new Date() })
      .orIgnore()
      .execute();
  }

  private seen(eventKey: string): Promise<boolean> {
    return this.receipts.existsBy({ eventKey });
  }

  /** The connection that owns the number (else the WABA). Several → the most recently connected one. */
  private async tenantForWhatsapp(phoneNumberId?: string, wabaId?: string): Promise<string | undefined> {
    for (const where of [phoneNumberId ? { phoneNumberId } : undefined, wabaId ? { wabaId } : undefined]) {
      if (!where) continue;
      const matches = await this.connections.find({
        select: { tenantId: true },
        where: { ...where, state: In(ROUTABLE_STATES) },
        order: { connectedAt: 'DESC' },
      });
      if (matches.length > 1) {
        this.logger.warn(
          `${matches.length} tenants share ${JSON.stringify(where)}; routing to the latest connection`,
        );
      }
      if (matches.length > 0) return matches[0].tenantId;
    }
    return undefined;
  }

  private async tenantForPage(pageId: string): Promise<string | undefined> {
    const matches = await this.connections
      .createQueryBuilder('c')
      .select('c.tenant_id', 'tenantId')
      .where(':pageId = ANY(c.page_ids)', { pageId })
      .andWhere('c.state IN (:...states)', { states: ROUTABLE_STATES })
      .orderBy('c.connected_at', 'DESC', 'NULLS LAST')
      .getRawMany<{ tenantId: string }>();
    if (matches.length > 1) {
      this.logger.warn(`${matches.length} tenants see page ${pageId}; routing to the latest connection`);
    }
    return matches[0]?.tenantId;
  }
}
