import { createHash, createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError, Webhooks } from '@crm/contracts';
import { PayloadTooLargeError, type JetStreamService } from '@crm/nest-common';
import type { GatewayConfig } from '../config';
import { GatewayHttpError } from '../http/http-error';
import { WebhooksController } from './webhooks.controller';

const config = {
  META_APP_SECRET: 'unit-app-secret',
  META_WEBHOOK_VERIFY_TOKEN: 'verify-123',
} as GatewayConfig;
const body = Buffer.from(
  '{"object":"page","entry":[{"id":153125381133,"time":1438292065,"changes":[' +
    '{"field":"leadgen","value":{"leadgen_id":9780780833223891,"ad_id":120215362426053955}},' +
    '{"field":"leadgen","value":{"leadgen_id":"2"}}]}]}',
);
const sha = createHash('sha256').update(body).digest('hex');
const signed = (raw: Buffer) =>
  ({
    body: raw,
    headers: {
      'x-hub-signature-256': `sha256=${createHmac('sha256', config.META_APP_SECRET).update(raw).digest('hex')}`,
    },
  }) as unknown as Request;
const response = { type: jest.fn() } as unknown as Response;

function controllerWith(publish: JetStreamService['publish']) {
  const jetstream = { publish: jest.fn(publish) };
  return { controller: new WebhooksController(jetstream as unknown as JetStreamService, config), jetstream };
}

const statusOf = async (promise: Promise<unknown>) => {
  const failure = await promise.catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(GatewayHttpError);
  return (failure as GatewayHttpError).getStatus();
};

describe('WebhooksController.receive', () => {
  it('publishes one parsed part per change, ids exact, message id sha256:i:j, before answering', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    await expect(controller.receive(signed(body), response)).resolves.toBe('EVENT_RECEIVED');
    expect(jetstream.publish).toHaveBeenCalledTimes(2);
    expect(jetstream.publish).toHaveBeenCalledWith(
      Webhooks.metaPart,
      {
        receivedAt: expect.any(String),
        bodySha256: sha,
        kind: 'change',
        entryIndex: 0,
        changeIndex: 0,
        object: 'page',
        entryId: '153125381133',
        entryTime: 1438292065,
        content: { field: 'leadgen', value: { leadgen_id: '9780780833223891', ad_id: '120215362426053955' } },
      },
      `${sha}:0:0`,
    );
    expect(jetstream.publish).toHaveBeenCalledWith(
      Webhooks.metaPart,
      expect.objectContaining({ changeIndex: 1 }),
      `${sha}:0:1`,
    );
  });

  it('answers 503 (so Meta retries) when any part cannot be stored', async () => {
    let calls = 0;
    const { controller } = controllerWith(async () => {
      calls += 1;
      if (calls === 2) throw new Error('TIMEOUT');
      return { duplicate: false, seq: calls };
    });
    expect(await statusOf(controller.receive(signed(body), response))).toBe(503);
  });

  it('answers 503 when a part is over the NATS max_payload', async () => {
    const { controller } = controllerWith(async (subject) => {
      throw new PayloadTooLargeError(subject, 2_000_000, 1_048_576);
    });
    expect(await statusOf(controller.receive(signed(body), response))).toBe(503);
  });

  it('answers 400 to a signed body that is not JSON, and stores nothing', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    await expect(controller.receive(signed(Buffer.from('{"entry": [')), response)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('not JSON'),
    });
    expect(jetstream.publish).not.toHaveBeenCalled();
  });

  it('stores a signed body that cannot be split as one part', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    const odd = Buffer.from('[1,2,3]');
    await expect(controller.receive(signed(odd), response)).resolves.toBe('EVENT_RECEIVED');
    const oddSha = createHash('sha256').update(odd).digest('hex');
    expect(jetstream.publish).toHaveBeenCalledWith(
      Webhooks.metaPart,
      expect.objectContaining({ kind: 'body', content: [1, 2, 3] }),
      oddSha,
    );
  });

  it('never publishes an unsigned body', async () => {
    const { controller, jetstream } = controllerWith(async () => ({ duplicate: false, seq: 1 }));
    const unsigned = { body, headers: {} } as unknown as Request;
    await expect(controller.receive(unsigned, response)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const empty = { body: {}, headers: {} } as unknown as Request;
    await expect(controller.receive(empty, response)).rejects.toBeInstanceOf(DomainError);
    expect(jetstream.publish).not.toHaveBeenCalled();
  });
});
