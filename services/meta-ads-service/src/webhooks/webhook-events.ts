import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  EventPayloadClasses,
  parsePayload,
  type AdAttribution,
  type EventPayload,
  type EventSubject,
} from '@crm/contracts';
import { OutboxService, ProcessedEvents, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';

/** Events recorded and enqueued per transaction when a part carries thousands. */
const ENQUEUE_BATCH = 1000;

/**
 * Publishes the domain events made from Meta webhooks, each once: the receipt (`webhook_receipts`, keyed by the
 * event key) and the outbox row are written in one tenant transaction, so an event is enqueued iff its receipt
 * exists; the outbox relay publishes it (message id = outbox id).
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger('MetaWebhooks');
  private readonly receipts = new ProcessedEvents('meta_ads.webhook_receipts');

  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: OutboxService,
    private readonly catalog: AdCatalogService,
  ) {}

  /** The tenant's event with this key was already enqueued. */
  async seen(tenantId: string, eventKey: string): Promise<boolean> {
    return (await this.seenAmong(tenantId, [eventKey])).has(eventKey);
  }

  /** Which of these event keys the tenant already enqueued. */
  seenAmong(tenantId: string, eventKeys: readonly string[]): Promise<Set<string>> {
    return this.db.withTenant(tenantId, (db) => this.receipts.seenAmong(db, tenantId, eventKeys));
  }

  /**
   * Validate against the contract class, then record the receipt and enqueue the event in one transaction.
   * `false` when the event does not validate (logged: retrying cannot fix it) or its key was already recorded.
   */
  async publish<S extends EventSubject>(
    subject: S,
    event: Record<string, unknown>,
    key: string,
    tenantId: string,
  ): Promise<boolean> {
    const payload = this.validate(subject, event, key, tenantId);
    if (!payload) return false;
    const enqueued = await this.db.withTenant(tenantId, async (db) => {
      if (!(await this.receipts.record(db, tenantId, key))) return false;
      await this.outbox.enqueue(db, tenantId, subject, payload);
      return true;
    });
    if (enqueued) this.outbox.kick();
    return enqueued;
  }

  /**
   * Many events of one subject and tenant at once (a body of thousands of statuses): each validated, then receipts
   * recorded and the new ones enqueued, a thousand per transaction, in the order given (the relay keeps it). No
   * look-up first: a key already recorded is simply not enqueued again. `alongside` runs in the first of those
   * transactions (in one of its own when nothing is valid): work that commits with the receipts, at no extra round
   * trip.
   */
  async publishMany<S extends EventSubject>(
    subject: S,
    items: readonly { event: Record<string, unknown>; key: string }[],
    tenantId: string,
    alongside?: (db: EntityManager) => Promise<void>,
  ): Promise<void> {
    const valid: { key: string; payload: EventPayload<S> }[] = [];
    for (const item of items) {
      const payload = this.validate(subject, item.event, item.key, tenantId);
      if (payload) valid.push({ key: item.key, payload });
    }
    let pending = alongside;
    if (valid.length === 0 && pending) await this.db.withTenant(tenantId, pending);
    for (let start = 0; start < valid.length; start += ENQUEUE_BATCH) {
      const batch = valid.slice(start, start + ENQUEUE_BATCH);
      await this.db.withTenant(tenantId, async (db) => {
        if (pending) {
          await pending(db);
          pending = undefined;
        }
        const fresh = await this.receipts.recordMany(
          db,
          tenantId,
          batch.map((item) => item.key),
        );
        // A key is enqueued once even when it comes twice in one batch (a part redelivered while its first copy
        // waits in the same batch): `fresh` says the key is new, not how many of its copies are.
        const payloads = batch.filter((item) => fresh.delete(item.key)).map((item) => item.payload);
        await this.outbox.enqueueMany(db, tenantId, subject, payloads);
      });
    }
    if (valid.length > 0) this.outbox.kick();
  }

  private validate<S extends EventSubject>(
    subject: S,
    event: Record<string, unknown>,
    key: string,
    tenantId: string,
  ): EventPayload<S> | undefined {
    try {
      return parsePayload(EventPayloadClasses[subject], event);
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: not publishing ${key}: ${error instanceof Error ? error.message : ''}`,
      );
      return undefined;
    }
  }

  /** The ad resolved to ad set and campaign; a failure leaves just the ad id. */
  async attribution(tenantId: string, adId: string): Promise<AdAttribution> {
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
}
