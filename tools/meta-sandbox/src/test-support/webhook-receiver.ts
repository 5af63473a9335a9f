import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedWebhook = {
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: unknown;
  signatureValid: boolean;
};

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  /** HTTP status to answer; a function of the 1-based request number */
  respondWith: (n: number) => number;
  waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
};

const verify = (raw: string, header: string | string[] | undefined, secret: string): boolean => {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw, 'utf8').digest('hex'));
  const given = Buffer.from(header.slice(7));
  return expected.length === given.length && timingSafeEqual(expected, given);
};

/** A tiny webhook endpoint on 127.0.0.1:0 that verifies `X-Hub-Signature-256` like a real consumer would. */
export const startWebhookReceiver = async (secret: string): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  let count = 0;
  const receiver: Partial<WebhookReceiver> = { received, respondWith: () => 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      count += 1;
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = (receiver.respondWith ?? (() => 200))(count);
      if (status >= 200 && status < 300) {
        received.push({
          headers: req.headers,
          raw,
          json: JSON.parse(raw) as unknown,
          signatureValid: verify(raw, req.headers['x-hub-signature-256'], secret),
        });
      }
      res.writeHead(status, { Connection: 'close' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/webhooks/meta`;
  receiver.waitFor = async (predicate, timeoutMs = 5000) => {
    const started = Date.now();
    while (!predicate(received)) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`webhook wait timed out; received ${received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return received;
  };
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver as WebhookReceiver;
};
