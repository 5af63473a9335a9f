import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@crm/contracts';
import { type JetStreamService, metaWebhookDeliveries } from '@crm/nest-common';

export type WebhookBridge = { url: string; close: () => Promise<void> };

/**
 * The gateway's `POST /webhooks/meta` in miniature, for tests that run automation without the gateway: each body the
 * sandbox posts is split as the gateway splits it (`metaWebhookDeliveries`) and published on `webhook.meta.part`.
 */
export async function startWebhookBridge(jetstream: JetStreamService): Promise<WebhookBridge> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      Promise.all(
        metaWebhookDeliveries(Buffer.concat(chunks)).map(({ part, messageId }) =>
          jetstream.publish(Webhooks.metaPart, part, messageId),
        ),
      ).then(
        () => res.writeHead(200).end(),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/meta`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
