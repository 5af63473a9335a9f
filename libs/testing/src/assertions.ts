import { connect } from 'nats';
import { DomainError } from '@crm/contracts';
import { durableName } from '@crm/nest-common';
import { waitFor } from './infra';
import { CONSUMER_IDLE_TIMEOUT_MS } from './test-timeouts';

/** The typed error a call rejects with; fails when the call succeeds or rejects with something untyped. */
export async function rpcError(call: Promise<unknown>): Promise<DomainError> {
  let outcome: { rejected: boolean; error?: unknown };
  try {
    await call;
    outcome = { rejected: false };
  } catch (error) {
    outcome = { rejected: true, error };
  }
  if (!outcome.rejected) throw new Error('expected the call to fail');
  if (!(outcome.error instanceof DomainError)) {
    throw new Error(`expected a DomainError, got ${String(outcome.error)}`);
  }
  return outcome.error;
}

/** Waits until a durable JetStream consumer has nothing pending and nothing unacknowledged. */
export async function waitForConsumerIdle(
  durable: string,
  stream = 'CRM_EVENTS',
  natsUrl = process.env.NATS_URL!,
): Promise<void> {
  const connection = await connect({ servers: natsUrl });
  try {
    const manager = await connection.jetstreamManager();
    await waitFor(
      async () => {
        const info = await manager.consumers.info(stream, durableName(durable));
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { what: `${durable} to be idle`, timeoutMs: CONSUMER_IDLE_TIMEOUT_MS },
    );
  } finally {
    await connection.close();
  }
}

/**
 * The durable consumers whose name starts with one of `services` (on every stream) that have messages pending or
 * unacknowledged, as `name: pending+unacked`; empty when all are idle.
 */
export async function busyConsumers(
  services: readonly string[],
  natsUrl = process.env.NATS_URL!,
): Promise<string[]> {
  const connection = await connect({ servers: natsUrl });
  try {
    const manager = await connection.jetstreamManager();
    const busy: string[] = [];
    for await (const stream of manager.streams.list()) {
      for await (const consumer of manager.consumers.list(stream.config.name)) {
        const ours = services.some((s) => consumer.name.startsWith(s));
        if (ours && (consumer.num_pending > 0 || consumer.num_ack_pending > 0)) {
          busy.push(`${consumer.name}: ${consumer.num_pending}+${consumer.num_ack_pending}`);
        }
      }
    }
    return busy;
  } finally {
    await connection.close();
  }
}

/** Waits until `busyConsumers(services)` is empty; the error names the busy ones. */
export async function waitForConsumersIdle(
  services: readonly string[],
  { natsUrl = process.env.NATS_URL!, timeoutMs = 90_000 }: { natsUrl?: string; timeoutMs?: number } = {},
): Promise<void> {
  await waitFor(
    async () => {
      const busy = await busyConsumers(services, natsUrl);
      if (busy.length > 0) throw new Error(busy.join(', '));
      return true;
    },
    { what: `every consumer of ${services.join(', ')} to be idle`, timeoutMs },
  );
}
