import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  EventPayloadClasses,
  parsePayload,
  type AdAttribution,
  type EventPayload,
  type EventSubject,
} from '@crm/contracts';
import { JetStreamService, TenantDatabase } from '@crm/nest-common';
import { In, type Repository } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';
import { forEachGrouped } from '../common/grouped-concurrency';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

const SEEN_BATCH = 1000;

/**
 * Publishes the domain events made from Meta webhooks, each once: the JetStream message id is the event key and
 * `webhook_receipts` remembers it past JetStream's duplicate window.
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly db: TenantDatabase,
    private readonly catalog: AdCatalogService,
  ) {}

  /** `fn` with the WebhookReceiptEntity repository in a transaction scoped to the tenant. */
  private receipts<T>(
    tenantId: string,
    fn: (receipts: Repository<WebhookReceiptEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(WebhookReceiptEntity)));
  }

  /** The tenant's event with this key was already published. */
  seen(tenantId: string, eventKey: string): Promise<boolean> {
    return this.receipts(tenantId, (receipts) => receipts.existsBy({ tenantId, eventKey }));
  }

  /** Which of these event keys were already published (one query per thousand keys). */
  async seenAmong(tenantId: string, eventKeys: readonly string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let start = 0; start < eventKeys.length; start += SEEN_BATCH) {
      const rows = await this.receipts(tenantId, (receipts) =>
        receipts.find({
          select: { eventKey: true },
          where: { tenantId, eventKey: In(eventKeys.slice(start, start + SEEN_BATCH)) },
        }),
      );
      for (const row of rows) seen.add(row.eventKey);
    }
    return seen;
  }

  /**
   * Validate against the contract class, publish with the key as message id, record the receipt. An event that
   * does not validate is logged and not published (`false`): retrying cannot fix it.
   */
  async publish<S extends EventSubject>(
    subject: S,
    event: Record<string, unknown>,
    key: string,
    tenantId: string,
  ): Promise<boolean> {
    let payload: EventPayload<S>;
    try {
      payload = parsePayload(EventPayloadClasses[subject], event);
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: not publishing ${key}: ${error instanceof Error ? error.message : ''}`,
      );
      return false;
    }
    await this.jetstream.publish(subject, payload, key);
    await this.receipts(tenantId, (receipts) =>
      receipts
        .createQueryBuilder()
        .insert()
        .into(WebhookReceiptEntity)
        .values({ eventKey: key, tenantId, receivedAt: new Date() })
        .orIgnore()
        .execute(),
    );
    return true;
  }

  /**
   * Many events of one tenant at once (a body of thousands of statuses): each validated and published (events
   * with the same `group` in order, groups `concurrency` at a time), then the receipts written in batches. A crash
   * in between is harmless: JetStream drops the re-published ones as duplicates. Resolves with the errors thrown.
   */
  async publishMany<S extends EventSubject>(
    subject: S,
    items: readonly { event: Record<string, unknown>; key: string; group: string }[],
    tenantId: string,
    concurrency: number,
  ): Promise<unknown[]> {
    const published: string[] = [];
    const errors = await forEachGrouped(
      items,
      (item) => item.group,
      concurrency,
      async (item) => {
        let payload: EventPayload<S>;
        try {
          payload = parsePayload(EventPayloadClasses[subject], item.event);
        } catch (error) {
          this.logger.warn(
            `tenant ${tenantId}: not publishing ${item.key}: ${error instanceof Error ? error.message : ''}`,
          );
          return;
        }
        await this.jetstream.publish(subject, payload, item.key);
        published.push(item.key);
      },
    );
    for (let start = 0; start < published.length; start += SEEN_BATCH) {
      await this.receipts(tenantId, (receipts) =>
        receipts.query(
          `INSERT INTO ${receipts.metadata.tablePath} (event_key, tenant_id, received_at)
           SELECT unnest($1::text[]), $2, now()
           ON CONFLICT DO NOTHING`,
          [published.slice(start, start + SEEN_BATCH), tenantId],
        ),
      );
    }
    return errors;
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
