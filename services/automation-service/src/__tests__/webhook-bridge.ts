import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@crm/contracts';
import { type JetStreamService, metaWebhookDeliveries } from '@crm/nest-common';

export type WebhookBridge = {
  url: string;
  /** From now on, keep the bodies instead of publishing them (a webhook that arrives late). */
  hold(): void;
  /** Publish what was held, in order, and pass bodies straight through again. */
  release(): Promise<void>;
  close: () => Promise<void>;
};

/**
 * The gateway's `POST /webhooks/meta` in miniature, for tests that run automation without the gateway: each body the
 * sandbox posts is split as the gateway splits it (`metaWebhookDeliveries`) and published on `webhook.meta.part`.
 */
export async function startWebhookBridge(jetstream: JetStreamService): Promise<WebhookBridge> {
  let held: Buffer[] | null = null;
  const publish = (body: Buffer) =>
    Promise.all(
      metaWebhookDeliveries(body).map(({ part, messageId }) =>
        jetstream.publish(Webhooks.metaPart, part, messageId),
      ),
    );
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (held) {
        held.push(body);
        res.writeHead(200).end();
        return;
      }
      publish(body).then(
        () => res.writeHead(200).end(),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/meta`,
    hold: () => {
      held ??= [];
    },
    release: async () => {
      const bodies = held ?? [];
      held = null;
      for (const body of bodies) await publish(body);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
