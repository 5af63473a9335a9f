import { Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, Webhooks } from '@crm/contracts';
import {
  JetStreamService,
  MetaJsonError,
  PayloadTooLargeError,
  metaWebhookDeliveries,
  safeEqual,
  type MetaWebhookDelivery,
} from '@crm/nest-common';
import { Public } from '../auth/auth.decorators';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { CrossSiteAllowed } from '../http/cross-site.guard';
import { GatewayHttpError } from '../http/http-error';
import { isValidMetaSignature } from './webhook-signature';

const MAX_CHALLENGE_LENGTH = 256;
/** Parts of one body stored on JetStream at a time. */
const PUBLISH_CONCURRENCY = 16;

/**
 * Meta webhooks. GET answers the subscription handshake; POST verifies the signature on the raw bytes, parses
 * the body without losing digits and stores it on JetStream (`webhook.meta.part`, one message per change) before
 * answering 200, so nothing acknowledged is lost.
 */
@ApiExcludeController()
@Public()
// Meta posts server to server; the X-Hub-Signature-256 HMAC, not the browser's headers, proves where it came from.
@CrossSiteAllowed()
@Controller('webhooks/meta')
export class WebhooksController {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  verify(@Query() query: Record<string, unknown>, @Res() response: Response): void {
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const valid =
      mode === 'subscribe' &&
      typeof token === 'string' &&
      safeEqual(token, this.config.META_WEBHOOK_VERIFY_TOKEN) &&
      typeof challenge === 'string' &&
      challenge.length > 0 &&
      challenge.length <= MAX_CHALLENGE_LENGTH;
    if (!valid) {
      this.logger.warn('webhook verification refused');
      response.status(403).type('text/plain').send('forbidden');
      return;
    }
    response.status(200).type('text/plain').setHeader('X-Content-Type-Options', 'nosniff');
    response.send(challenge);
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const raw: unknown = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) {
      throw new DomainError('VALIDATION', 'expected a JSON body (Content-Type: application/json)');
    }
    if (!isValidMetaSignature(raw, request.headers['x-hub-signature-256'], this.config.META_APP_SECRET)) {
      this.logger.warn(`webhook refused: bad or missing X-Hub-Signature-256 (${raw.length} bytes)`);
      throw new DomainError('UNAUTHORIZED', 'invalid signature');
    }
    let deliveries: MetaWebhookDelivery[];
    try {
      deliveries = metaWebhookDeliveries(raw);
    } catch (error) {
      const reason = error instanceof MetaJsonError ? error.message : 'unreadable body';
      this.logger.warn(`signed webhook refused (${raw.length} bytes): ${reason}`);
      throw new DomainError('VALIDATION', `webhook body is not JSON: ${reason}`);
    }
    await this.store(deliveries, raw.length);
    response.type('text/plain');
    return 'EVENT_RECEIVED';
  }

  /**
   * Every part on JetStream, or a 503 so Meta retries the whole body (parts already stored are deduplicated by
   * their message ids on the retry).
   */
  private async store(deliveries: MetaWebhookDelivery[], bytes: number): Promise<void> {
    const failures: unknown[] = [];
    let duplicates = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deliveries.length) {
        const { part, messageId } = deliveries[next++];
        try {
          const ack = await this.jetstream.publish(Webhooks.metaPart, part, messageId);
          if (ack.duplicate) duplicates += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUBLISH_CONCURRENCY, deliveries.length) }, worker));
    const id = deliveries[0]?.part.bodySha256.slice(0, 12) ?? '-';
    if (duplicates > 0)
      this.logger.log(`webhook ${id}: ${duplicates} of ${deliveries.length} part(s) already stored`);
    if (failures.length === 0) return;
    const tooLarge = failures.find((error) => error instanceof PayloadTooLargeError);
    if (tooLarge) {
      this.logger.error(
        `webhook ${id} (${bytes} bytes) not stored: ${tooLarge.message}. Raise NATS max_payload (README, ` +
          `"NATS max_payload"); Meta will retry the delivery.`,
      );
    } else {
      const first = failures[0];
      this.logger.error(
        `webhook ${id}: ${failures.length} of ${deliveries.length} part(s) not stored (Meta will retry): ` +
          `${first instanceof Error ? first.message : String(first)}`,
      );
    }
    throw new GatewayHttpError(503, 'UPSTREAM_TIMEOUT', 'webhook could not be stored; retry later');
  }
}
