import { Injectable, Logger } from '@nestjs/common';
import { DomainError, Events, type LeadgenReceivedEvent, type WhatsappInboundEvent } from '@crm/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { isOptOutText } from '../common/opt-out';
import { normalizePhone } from '@crm/contracts';
import { updateReturning } from '../common/sql';
import { insertLeadIfAbsent, leadCreatedEvent, type LeadRow } from '../leads/lead-store';
import { OutboxService, ProcessedEvents } from '@crm/nest-common';

/** What an inbound event did; returned for logs and tests. */
export type InboundOutcome = {
  duplicate: boolean;
  createdLeadId: string | null;
  attributed: boolean;
  optedOut: boolean;
};

const NOTHING: InboundOutcome = { duplicate: false, createdLeadId: null, attributed: false, optedOut: false };
const MAX_NAME_LENGTH = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Leads do not have Meta attribution yet when neither an ad nor a click id was recorded. */
const ATTACH_ATTRIBUTION_SQL = `
  UPDATE crm.leads
     SET lead_source = 'META_ADS', meta_ad_id = $3, meta_adset_id = $4, meta_campaign_id = $5,
         ctwa_clid = COALESCE($6, ctwa_clid), meta_leadgen_id = COALESCE(meta_leadgen_id, $7), updated_at = now()
   WHERE tenant_id = $1 AND phone = $2 AND meta_ad_id IS NULL AND ctwa_clid IS NULL
     AND ($7::text IS NULL OR NOT EXISTS (
       SELECT 1 FROM crm.leads other WHERE other.tenant_id = $1 AND other.meta_leadgen_id = $7))
  RETURNING id`;

/**
 * Applies Meta-derived events to leads. Each event is applied at most once: its key (`wa-in:<wamid>`,
 * `leadgen:<id>`) is recorded in `processed_events` in the same transaction, and lead inserts rely on the
 * (tenant, phone) and (tenant, leadgen id) unique indexes, so a redelivery has no second effect.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger('Inbound');
  private readonly processed: ProcessedEvents;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {
    this.processed = new ProcessedEvents(dataSource, 'crm.processed_events');
  }

  /** Click-to-WhatsApp attribution, leads from first WhatsApp contact, and STOP/BAJA opt-outs. */
  async handleWhatsappInbound(event: WhatsappInboundEvent): Promise<InboundOutcome> {
    const { tenantId } = event;
    const phone = normalizePhone(event.from);
    if (!phone) throw new DomainError('VALIDATION', 'sender is not an E.164 phone number');
    const outcome = await this.dataSource.transaction(async (manager) => {
      if (!(await this.claim(manager, tenantId, `wa-in:${event.wamid}`)))
        return { ...NOTHING, duplicate: true };
      const name = cleanName(event.contactName) ?? phone;
      const referral = event.referral;
      let created: LeadRow | null;
      let attributed = false;
      if (referral) {
        const attribution = {
          metaAdId: referral.sourceId,
          metaAdsetId: event.attribution?.adsetId ?? null,
          metaCampaignId: event.attribution?.campaignId ?? null,
          ctwaClid: referral.ctwaClid ?? null,
        };
        created = await insertLeadIfAbsent(manager, tenantId, {
          name,
          phone,
          leadSource: 'META_ADS',
          ...attribution,
        });
        if (!created) {
          const updated = await updateReturning(manager, ATTACH_ATTRIBUTION_SQL, [
            tenantId,
            phone,
            attribution.metaAdId,
            attribution.metaAdsetId,
            attribution.metaCampaignId,
            attribution.ctwaClid,
            null,
          ]);
          attributed = updated.length > 0;
        }
      } else {
        created = await insertLeadIfAbsent(manager, tenantId, { name, phone, leadSource: 'WHATSAPP' });
      }
      let optedOut = false;
      if (isOptOutText(event.text)) {
        const updated = await updateReturning(
          manager,
          `UPDATE crm.leads SET opted_out = true, updated_at = now()
            WHERE tenant_id = $1 AND phone = $2 AND NOT opted_out RETURNING id`,
          [tenantId, phone],
        );
        optedOut = updated.length > 0;
      }
      if (created)
        await this.outbox.enqueue(manager, tenantId, Events.leadCreated, leadCreatedEvent(created));
      return { duplicate: false, createdLeadId: created?.id ?? null, attributed, optedOut };
    });
    this.afterCommit(`wa-in ${event.wamid}`, outcome);
    return outcome;
  }

  /** Lead Ads form submissions. The phone is required to create a lead: without one the event is skipped. */
  async handleLeadgen(event: LeadgenReceivedEvent): Promise<InboundOutcome> {
    const { tenantId } = event;
    const phone = event.phone ? normalizePhone(event.phone) : null;
    if (!phone) {
      this.logger.warn(`leadgen ${event.leadgenId}: no usable phone number, no lead created`);
      return NOTHING;
    }
    const outcome = await this.dataSource.transaction(async (manager) => {
      if (!(await this.claim(manager, tenantId, `leadgen:${event.leadgenId}`)))
        return { ...NOTHING, duplicate: true };
      const email = event.email?.trim().toLowerCase();
      const attribution = {
        metaAdId: event.attribution?.adId ?? null,
        metaAdsetId: event.attribution?.adsetId ?? null,
        metaCampaignId: event.attribution?.campaignId ?? null,
      };
      const created = await insertLeadIfAbsent(manager, tenantId, {
        name: cleanName(event.fullName) ?? phone,
        phone,
        email: email && EMAIL.test(email) ? email : null,
        leadSource: 'META_ADS',
        metaLeadgenId: event.leadgenId,
        ...attribution,
      });
      let attributed = false;
      if (created) {
        await this.outbox.enqueue(manager, tenantId, Events.leadCreated, leadCreatedEvent(created));
      } else {
        const updated = await updateReturning(manager, ATTACH_ATTRIBUTION_SQL, [
          tenantId,
          phone,
          attribution.metaAdId,
          attribution.metaAdsetId,
          attribution.metaCampaignId,
          null,
          event.leadgenId,
        ]);
        attributed = updated.length > 0;
      }
      return { duplicate: false, createdLeadId: created?.id ?? null, attributed, optedOut: false };
    });
    this.afterCommit(`leadgen ${event.leadgenId}`, outcome);
    return outcome;
  }

  /** Record the event key; `false` when it was already applied. Unknown tenants are a permanent failure. */
  private async claim(manager: EntityManager, tenantId: string, eventKey: string): Promise<boolean> {
    const tenant: unknown[] = await manager.query(`SELECT 1 FROM crm.tenants WHERE id = $1`, [tenantId]);
    if (tenant.length === 0) throw new DomainError('NOT_FOUND', `tenant ${tenantId} not found`);
    return this.processed.record(manager, tenantId, eventKey);
  }

  private afterCommit(what: string, outcome: InboundOutcome): void {
    if (outcome.createdLeadId) this.outbox.kick();
    if (outcome.duplicate) this.logger.debug(`${what}: already applied`);
    else if (outcome.createdLeadId || outcome.attributed || outcome.optedOut) {
      this.logger.log(
        `${what}: ${[
          outcome.createdLeadId && `created lead ${outcome.createdLeadId}`,
          outcome.attributed && 'attached Meta attribution',
          outcome.optedOut && 'opted out',
        ]
          .filter(Boolean)
          .join(', ')}`,
      );
    }
  }
}

function cleanName(name: string | undefined): string | null {
  const trimmed = name?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed.slice(0, MAX_NAME_LENGTH) : null;
}
