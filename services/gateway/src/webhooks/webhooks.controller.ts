import { Controller, Get, HttpCode, Inject, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, Webhooks, type RawMetaWebhook } from '@crm/contracts';
import { JetStreamService, safeEqual } from '@crm/nest-common';
import { Public } from '../auth/auth.decorators';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { CrossSiteAllowed } from '../http/cross-site.guard';
import { GatewayHttpError } from '../http/http-error';
import { isValidMetaSignature, webhookMessageId } from './webhook-signature';

const MAX_CHALLENGE_LENGTH = 256;

/**
 * Meta webhooks. GET answers the subscription handshake; POST verifies the signature on the raw body and
 * stores the body on JetStream (`webhook.meta.raw`) before answering 200, so nothing acknowledged is lost.
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
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const raw = request.rawBody;
    if (!raw || raw.length === 0) {
      throw new DomainError('VALIDATION', 'expected a JSON body (Content-Type: application/json)');
    }
    if (!isValidMetaSignature(raw, request.headers['x-hub-signature-256'], this.config.META_APP_SECRET)) {
      this.logger.warn(`webhook refused: bad or missing X-Hub-Signature-256 (${raw.length} bytes)`);
      throw new DomainError('UNAUTHORIZED', 'invalid signature');
    }
    const message: RawMetaWebhook = { receivedAt: new Date().toISOString(), body: raw.toString('utf8') };
    const messageId = webhookMessageId(raw);
    try {
      const ack = await this.jetstream.publish(Webhooks.metaRaw, message, messageId);
      if (ack.duplicate) this.logger.log(`duplicate webhook ${messageId.slice(0, 12)} ignored`);
    } catch (error) {
      this.logger.error(
        `webhook not stored (Meta will retry): ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new GatewayHttpError(503, 'UPSTREAM_TIMEOUT', 'webhook could not be stored; retry later');
    }
    response.type('text/plain');
    return 'EVENT_RECEIVED';
  }
}
