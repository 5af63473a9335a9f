import { connect } from 'nats';
import { DomainError } from '@crm/contracts';
import { durableName } from '@crm/nest-common';
import { waitFor } from './infra';

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
      // Generous: a consumer may first have to chew through what earlier suites of the run published (thousands of
      // statuses) on the shared stream.
      { what: `${durable} to be idle`, timeoutMs: 60_000 },
    );
  } finally {
    await connection.close();
  }
}
