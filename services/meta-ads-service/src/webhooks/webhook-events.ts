import { Injectable, Logger } from '@nestjs/common';
import { DomainError, parsePayload, type AdAttribution } from '@crm/contracts';
import { OutboxService, ProcessedEvents } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';

/**
 * Publishes the domain events made from Meta webhooks, each once: the receipt (`webhook_receipts`, keyed by the
 * event key) and the outbox row are written in one transaction, so an event is enqueued iff its receipt exists;
 * the outbox relay publishes it (message id = outbox id).
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger('MetaWebhooks');
  private readonly receipts: ProcessedEvents;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly catalog: AdCatalogService,
  ) {
    this.receipts = new ProcessedEvents(dataSource, 'meta_ads.webhook_receipts');
  }

  /** The event with this key was already published (or is enqueued). */
  seen(eventKey: string): Promise<boolean> {
    return this.receipts.seen(eventKey);
  }

  /**
   * Validate against the contract class, then record the receipt and enqueue the event in one transaction.
   * `false` when the event does not validate (logged: retrying cannot fix it) or its key was already recorded.
   */
  async publish<T extends object>(
    subject: string,
    cls: new () => T,
    event: Record<string, unknown>,
    key: string,
    tenantId: string,
  ): Promise<boolean> {
    let payload: T;
    try {
      payload = parsePayload(cls, event);
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: not publishing ${key}: ${error instanceof Error ? error.message : ''}`,
      );
      return false;
    }
    const enqueued = await this.dataSource.transaction(async (manager) => {
      if (!(await this.receipts.record(manager, tenantId, key))) return false;
      await this.outbox.enqueue(manager, tenantId, subject, payload);
      return true;
    });
    if (enqueued) this.outbox.kick();
    return enqueued;
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
