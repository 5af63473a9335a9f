import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DomainError,
  EventPayloadClasses,
  parsePayload,
  type AdAttribution,
  type EventPayload,
  type EventSubject,
} from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { Repository } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';
import { WebhookReceiptEntity } from './webhook-receipt.entity';

/**
 * Publishes the domain events made from Meta webhooks, each once: the JetStream message id is the event key and
 * `webhook_receipts` remembers it past JetStream's duplicate window.
 */
@Injectable()
export class WebhookEvents {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    @InjectRepository(WebhookReceiptEntity) private readonly receipts: Repository<WebhookReceiptEntity>,
    private readonly catalog: AdCatalogService,
  ) {}

  /** The event with this key was already published. */
  seen(eventKey: string): Promise<boolean> {
    return this.receipts.existsBy({ eventKey });
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
    await this.receipts
      .createQueryBuilder()
      .insert()
      .into(WebhookReceiptEntity)
      .values({ eventKey: key, tenantId, receivedAt: new Date() })
      .orIgnore()
      .execute();
    return true;
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
