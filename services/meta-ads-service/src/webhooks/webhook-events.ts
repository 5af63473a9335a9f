import { Injectable, Logger } from '@nestjs/common';
import { DomainError, parsePayload, type AdAttribution } from '@crm/contracts';
import { JetStreamService, TenantDatabase } from '@crm/nest-common';
import { type Repository } from 'typeorm';
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

  /**
   * Validate against the contract class, publish with the key as message id, record the receipt. An event that
   * does not validate is logged and not published (`false`): retrying cannot fix it.
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
