import { createHmac } from 'node:crypto';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, Webhooks } from '@crm/contracts';
import type { JetStreamService } from '@crm/nest-common';
import type { GatewayConfig } from '../config';
import { GatewayHttpError } from '../http/http-error';
import { WebhooksController } from './webhooks.controller';

const config = {
  META_APP_SECRET: 'unit-app-secret',
  META_WEBHOOK_VERIFY_TOKEN: 'verify-123',
} as GatewayConfig;
const body = Buffer.from('{"object":"page","entry":[]}');
const signed = (raw: Buffer) =>
  ({
    rawBody: raw,
    headers: {
      'x-hub-signature-256': `sha256=${createHmac('sha256', config.META_APP_SECRET).update(raw).digest('hex')}`,
    },
  }) as unknown as RawBodyRequest<Request>;
const response = { type: jest.fn() } as unknown as Response;

function controllerWith(publish: JetStreamService['publish']) {
  const jetstream = { publish: jest.fn(publish) };
  return { controller: new WebhooksController(jetstream as unknown as JetStreamService, config), jetstream };
}

describe('WebhooksController.receive', () => {
  it('publishes the raw body with its sha256 as message id before answering', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    await expect(controller.receive(signed(body), response)).resolves.toBe('EVENT_RECEIVED');
    expect(jetstream.publish).toHaveBeenCalledWith(
      Webhooks.metaRaw,
      { receivedAt: expect.any(String), body: body.toString('utf8') },
      expect.stringMatching(/^[0-9a-f]{64}$/),
    );
  });

  it('answers 503 (so Meta retries) when JetStream cannot store the body', async () => {
    const { controller } = controllerWith(async () => {
      throw new Error('TIMEOUT');
    });
    const failure = await controller.receive(signed(body), response).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayHttpError);
    expect((failure as GatewayHttpError).getStatus()).toBe(503);
  });

  it('never publishes an unsigned body', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    const unsigned = { rawBody: body, headers: {} } as unknown as RawBodyRequest<Request>;
    await expect(controller.receive(unsigned, response)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const empty = { rawBody: undefined, headers: {} } as unknown as RawBodyRequest<Request>;
    await expect(controller.receive(empty, response)).rejects.toBeInstanceOf(DomainError);
    expect(jetstream.publish).not.toHaveBeenCalled();
  });
});
