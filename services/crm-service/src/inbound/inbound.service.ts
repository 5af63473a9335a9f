import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  Events,
  normalizePhone,
  type LeadAttributionChannel,
  type LeadgenReceivedEvent,
  type WhatsappInboundEvent,
} from '@crm/contracts';
import { OutboxService, ProcessedEvents, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { attributionFactsOfLead } from '../attribution/attribution-facts.query';
import { previewOf, windowEndsAt } from '../chats/chat-rules';
import { ConversationStore } from '../chats/conversation-store';
import { MessageStore } from '../chats/message-store';
import { DEFAULT_OPT_OUT_PHRASES, optOutSourceOf } from '../common/opt-out';
import { LeadActivityStore, originOfSource } from '../lead-360/lead-activity-store';
import { LeadAssignment } from '../leads/lead-assignment';
import { LeadStore, leadCreatedEvent, type LeadRow } from '../leads/lead-store';
import { TenantStore } from '../tenancy/tenant-store';

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

/**
 * Applies Meta-derived events to leads. Each event is applied at most once: its key (`wa-in:<wamid>`,
 * `leadgen:<id>`) is recorded in `processed_events` in the same transaction, and lead inserts rely on the
 * (tenant, phone) and (tenant, leadgen id) unique indexes, so a redelivery has no second effect.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger('Inbound');
  private readonly processed = new ProcessedEvents('crm.processed_events');

  constructor(
    private readonly db: TenantDatabase,
    private readonly leads: LeadStore,
    private readonly tenants: TenantStore,
    private readonly outbox: OutboxService,
    private readonly assignment: LeadAssignment,
    private readonly activity: LeadActivityStore,
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
  ) {}

  /**
   * Click-to-WhatsApp attribution, leads from first WhatsApp contact, STOP/BAJA opt-outs, and the message in the
   * lead's chat (unread, window reopened), all in one transaction.
   */
  async handleWhatsappInbound(event: WhatsappInboundEvent): Promise<InboundOutcome> {
    const { tenantId } = event;
    const phone = normalizePhone(event.from);
    if (!phone) throw new DomainError('VALIDATION', 'sender is not an E.164 phone number');
    const outcome = await this.db.withTenant(tenantId, async (manager) => {
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
        created = await this.leads.insertIfAbsent(manager, tenantId, {
          name,
          phone,
          leadSource: 'META_ADS',
          ...attribution,
        });
        if (!created) {
          const leadId = await this.leads.attachAttribution(manager, tenantId, { phone }, attribution, null);
          attributed = await this.announceAttribution(manager, tenantId, leadId, 'whatsapp_ad');
        }
      } else {
        created = await this.leads.insertIfAbsent(manager, tenantId, { name, phone, leadSource: 'WHATSAPP' });
      }
      if (created) {
        await this.outbox.enqueue(manager, tenantId, Events.leadCreated, leadCreatedEvent(created));
        // What the contact came from: the CTWA ad's referral and their first message.
        await this.activity.append(manager, tenantId, {
          leadId: created.id,
          kind: 'created',
          at: created.created_at,
          details: originOfSource('WHATSAPP', {
            channel: referral ? 'whatsapp_ad' : 'whatsapp',
            adId: referral?.sourceId ?? null,
            headline: referral?.headline ?? null,
            body: referral?.body ?? null,
            sourceUrl: referral?.sourceUrl ?? null,
            message: event.text ?? null,
          }),
        });
        await this.assignment.assignNewLead(manager, tenantId, created.id);
      }
      const optedOut = await this.optOutIfAsked(manager, tenantId, phone, event);
      const leadId = created?.id ?? (await this.leads.findIdByPhone(manager, tenantId, phone));
      if (leadId) await this.recordChatMessage(manager, tenantId, leadId, event);
      return { duplicate: false, createdLeadId: created?.id ?? null, attributed, optedOut };
    });
    this.afterCommit(`wa-in ${event.wamid}`, outcome);
    return outcome;
  }

  /**
   * Lead Ads form submissions. A phone or an email is needed (a lead with only an email is kept: WhatsApp cannot
   * reach it, a seller can). The same person is not created twice: a lead with the same phone, else the same email,
   * gets the form's attribution instead. The lead is dated by Meta's `created_time` (never later than now). Organic
   * and test leads (no ad) are Lead Ads leads without attribution.
   */
  async handleLeadgen(event: LeadgenReceivedEvent): Promise<InboundOutcome> {
    const { tenantId } = event;
    const phone = event.phone ? normalizePhone(event.phone) : null;
    const answeredEmail = event.email?.trim().toLowerCase();
    const email = answeredEmail && EMAIL.test(answeredEmail) ? answeredEmail : null;
    const contact = phone ?? email;
    if (!contact) {
      this.logger.warn(`leadgen ${event.leadgenId}: neither a usable phone nor an email, no lead created`);
      return NOTHING;
    }
    const outcome = await this.db.withTenant(tenantId, async (manager) => {
      if (!(await this.claim(manager, tenantId, `leadgen:${event.leadgenId}`)))
        return { ...NOTHING, duplicate: true };
      const attribution = {
        metaAdId: event.attribution?.adId ?? null,
        metaAdsetId: event.attribution?.adsetId ?? null,
        metaCampaignId: event.attribution?.campaignId ?? null,
      };
      if (email) await this.leads.lockEmail(manager, tenantId, email);
      const existing = await this.leads.findIdByPhoneOrEmail(manager, tenantId, phone, email);
      const created = existing
        ? null
        : await this.leads.insertIfAbsent(manager, tenantId, {
            name: cleanName(event.fullName) ?? contact,
            phone,
            email,
            leadSource: 'META_ADS',
            metaLeadgenId: event.leadgenId,
            createdAt: leadCreatedAt(event.createdTime),
            notes: event.notes ?? null,
            tags: event.tags ?? [],
            ...attribution,
          });
      let attributed = false;
      if (created) {
        await this.outbox.enqueue(manager, tenantId, Events.leadCreated, leadCreatedEvent(created));
        await this.activity.append(manager, tenantId, {
          leadId: created.id,
          kind: 'created',
          at: created.created_at,
          details: originOfSource('META_ADS', {
            channel: 'lead_form',
            adId: attribution.metaAdId,
            formId: event.formId ?? null,
            formName: event.formName ?? null,
          }),
        });
        await this.assignment.assignNewLead(manager, tenantId, created.id);
      } else {
        // The same person (or a WhatsApp contact with this phone that landed meanwhile: the phone's unique index).
        const leadId = existing ?? (phone ? await this.leads.findIdByPhone(manager, tenantId, phone) : null);
        if (leadId) {
          const changed = await this.leads.attachAttribution(
            manager,
            tenantId,
            { id: leadId },
            { ...attribution, ctwaClid: null },
            event.leadgenId,
          );
          attributed = await this.announceAttribution(manager, tenantId, changed, 'lead_form');
        }
      }
      return { duplicate: false, createdLeadId: created?.id ?? null, attributed, optedOut: false };
    });
    this.afterCommit(`leadgen ${event.leadgenId}`, outcome);
    return outcome;
  }

  /**
   * An existing lead that just got its ad (`attachAttribution` returned its id): `lead.attributed` leaves through the
   * outbox with this transaction, carrying the lead's opportunities and sales as this transaction sees them (the
   * marketing read model counts them under the ad). A Lead Ads form without an ad (organic, test) makes the lead a
   * Meta lead without an ad: announced too. True when the lead was attributed.
   */
  private async announceAttribution(
    manager: EntityManager,
    tenantId: string,
    leadId: string | null,
    channel: LeadAttributionChannel,
  ): Promise<boolean> {
    if (!leadId) return false;
    // Never null: the lead is a META_ADS lead of the tenant since the update this transaction just made.
    const facts = await attributionFactsOfLead(manager, tenantId, leadId);
    if (facts)
      await this.outbox.enqueue(manager, tenantId, Events.leadAttributed, { tenantId, channel, ...facts });
    return true;
  }

  /**
   * A reply that is exactly one of the tenant's opt-out keywords, or a tapped opt-out quick-reply button: the lead
   * becomes do-not-contact, its history says how, and `lead.opted-out` leaves through the outbox with this
   * transaction. Nothing happens for a lead that already opted out.
   */
  private async optOutIfAsked(
    manager: EntityManager,
    tenantId: string,
    phone: string,
    event: WhatsappInboundEvent,
  ): Promise<boolean> {
    const phrases = (await this.tenants.optOutPhrases(manager, tenantId)) ?? DEFAULT_OPT_OUT_PHRASES;
    const source = optOutSourceOf(event, phrases);
    if (!source) return false;
    const leadId = await this.leads.optOut(manager, tenantId, phone);
    if (!leadId) return false;
    const at = new Date(event.timestamp);
    await this.activity.append(manager, tenantId, {
      leadId,
      kind: 'opted_out',
      details: { source, text: event.buttonReply?.text ?? event.text ?? null },
    });
    await this.outbox.enqueue(manager, tenantId, Events.leadOptedOut, {
      tenantId,
      leadId,
      phone,
      source,
      at: at.toISOString(),
    });
    return true;
  }

  /** The message in the lead's conversation: one more unread, and the window reopened (72 h after a CTWA ad). */
  private async recordChatMessage(
    manager: EntityManager,
    tenantId: string,
    leadId: string,
    event: WhatsappInboundEvent,
  ): Promise<void> {
    const at = new Date(event.timestamp);
    const recorded = await this.messages.insertInbound(manager, tenantId, {
      id: randomUUID(),
      leadId,
      wamid: event.wamid,
      body: event.text ?? null,
      createdAt: at,
    });
    if (!recorded) return;
    await this.conversations.recordInbound(manager, tenantId, leadId, {
      phoneNumberId: event.phoneNumberId,
      at,
      windowEndsAt: windowEndsAt(at, event.referral !== undefined),
      preview: event.text ? previewOf(event.text) : null,
    });
  }

  /** Record the event key; `false` when it was already applied. Unknown tenants are a permanent failure. */
  private async claim(manager: EntityManager, tenantId: string, eventKey: string): Promise<boolean> {
    if (!(await this.tenants.exists(manager, tenantId)))
      throw new DomainError('NOT_FOUND', `tenant ${tenantId} not found`);
    return this.processed.record(manager, tenantId, eventKey);
  }

  private afterCommit(what: string, outcome: InboundOutcome): void {
    if (outcome.createdLeadId || outcome.attributed || outcome.optedOut) this.outbox.kick();
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

/** Meta's `created_time`; a time in the future (clock skew) or unreadable is now. */
function leadCreatedAt(createdTime: string): Date {
  const at = new Date(createdTime);
  const now = new Date();
  return Number.isNaN(at.getTime()) || at > now ? now : at;
}

function cleanName(name: string | undefined): string | null {
  const trimmed = name?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed.slice(0, MAX_NAME_LENGTH) : null;
}
