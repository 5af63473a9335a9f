import { randomUUID } from 'node:crypto';
import { DomainError, Events, LeadStatusChangedEvent } from '@crm/contracts';
import { waitFor, waitForConsumerIdle } from '@crm/testing';
import { DataSource } from 'typeorm';
import { DeadLetterStore } from './durable/dead-letters';
import { JetStreamService } from './jetstream';

function event(tenantId: string): LeadStatusChangedEvent {
  return {
    tenantId,
    leadId: randomUUID(),
    from: 'nuevo',
    to: 'contactado',
    changedAt: new Date().toISOString(),
  };
}

describe('JetStreamService (real nats-server with JetStream)', () => {
  const service = new JetStreamService();

  beforeAll(async () => {
    await service.connect(process.env.NATS_URL!, 'jetstream-int-spec');
  });

  afterAll(async () => {
    await service.onApplicationShutdown();
  });

  it('delivers a published event once, and a re-publish with the same id is a duplicate', async () => {
    const tenantId = randomUUID();
    const received: LeadStatusChangedEvent[] = [];
    await service.consume({
      durable: `spec.once-${tenantId.slice(0, 8)}`,
      subject: Events.leadStatusChanged,
      payload: LeadStatusChangedEvent,
      handler: async (payload) => {
        if (payload.tenantId === tenantId) received.push(payload);
      },
    });
    const payload = event(tenantId);
    const first = await service.publish(Events.leadStatusChanged, payload, `once-${payload.leadId}`);
    const second = await service.publish(Events.leadStatusChanged, payload, `once-${payload.leadId}`);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    await waitFor(() => received.length === 1, { what: 'delivery' });
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    expect(received[0].leadId).toBe(payload.leadId);
  });

  it('redelivers after a handler failure and drops invalid payloads without calling the handler', async () => {
    const tenantId = randomUUID();
    let attempts = 0;
    const handled: string[] = [];
    await service.consume({
      durable: `spec-retry-${tenantId.slice(0, 8)}`,
      subject: Events.leadStatusChanged,
      handler: async (payload) => {
        if (payload.tenantId !== tenantId) return;
        attempts += 1;
        if (attempts === 1) throw new Error('transient');
        handled.push(payload.leadId);
      },
    });
    // Not a valid event on purpose: the consumer must end it, not retry it.
    const invalid = { tenantId, leadId: 'not-a-uuid' } as unknown as LeadStatusChangedEvent;
    await service.publish(Events.leadStatusChanged, invalid);
    const valid = event(tenantId);
    await service.publish(Events.leadStatusChanged, valid);
    await waitFor(() => handled.length === 1, { what: 'redelivery' });
    expect(attempts).toBe(2);
    expect(handled).toEqual([valid.leadId]);
  });

  it('with concurrency, a slow message does not hold up the ones behind it; without, they wait in order', async () => {
    const run = async (concurrency: number | undefined): Promise<string[]> => {
      const tenantId = randomUUID();
      const done: string[] = [];
      let release: () => void = () => undefined;
      const slowGate = new Promise<void>((resolve) => (release = resolve));
      await service.consume({
        durable: `spec-conc-${concurrency ?? 1}-${tenantId.slice(0, 8)}`,
        subject: Events.leadStatusChanged,
        concurrency,
        handler: async (payload) => {
          if (payload.tenantId !== tenantId) return;
          if (payload.to === 'negociacion') await slowGate;
          done.push(payload.to);
        },
      });
      await service.publish(Events.leadStatusChanged, { ...event(tenantId), to: 'negociacion' });
      await service.publish(Events.leadStatusChanged, { ...event(tenantId), to: 'contactado' });
      await service.publish(Events.leadStatusChanged, { ...event(tenantId), to: 'calificado' });
      // Give the consumer time to reach (or be stuck behind) the slow message, then let it finish.
      await new Promise((r) => setTimeout(r, 1000));
      const beforeRelease = [...done];
      release();
      await waitFor(() => done.length === 3, { what: 'all three handled' });
      return beforeRelease;
    };
    expect((await run(4)).sort()).toEqual(['calificado', 'contactado']);
    expect(await run(undefined)).toEqual([]);
  });

  it('gives up at once on a permanent domain error', async () => {
    const tenantId = randomUUID();
    let attempts = 0;
    await service.consume({
      durable: `spec-perm-${tenantId.slice(0, 8)}`,
      subject: Events.leadStatusChanged,
      handler: async (payload) => {
        if (payload.tenantId !== tenantId) return;
        attempts += 1;
        throw new DomainError('NOT_FOUND', 'lead is gone');
      },
    });
    await service.publish(Events.leadStatusChanged, event(tenantId));
    await waitFor(() => attempts === 1, { what: 'first attempt' });
    await new Promise((r) => setTimeout(r, 800));
    expect(attempts).toBe(1);
  });

  it('parks what it gives up on (invalid, permanent, exhausted), and naks while the dead-letter table is down', async () => {
    const dataSource = await new DataSource({
      type: 'postgres',
      url: process.env.DATABASE_URL!,
    }).initialize();
    const store = new DeadLetterStore(dataSource, 'crm');
    let databaseUp = false;
    const parking = new JetStreamService();
    parking.configureDelivery({
      policy: { maxDeliver: 3, backoff: { baseMs: 20, maxMs: 50 } },
      deadLetters: {
        park: (message) =>
          databaseUp ? store.park(message) : Promise.reject(new Error('connect ECONNREFUSED')),
      },
    });
    await parking.connect(process.env.NATS_URL!, 'jetstream-int-spec-parking');
    const tenantId = randomUUID();
    const durable = `spec-park-${tenantId.slice(0, 8)}`;
    const attempts = new Map<string, number>();
    try {
      await parking.consume({
        durable,
        subject: Events.leadStatusChanged,
        payload: LeadStatusChangedEvent,
        handler: async (payload) => {
          if (payload.tenantId !== tenantId) return;
          attempts.set(payload.to, (attempts.get(payload.to) ?? 0) + 1);
          if (payload.to === 'calificado')
            throw new TypeError("Cannot read properties of null (reading 'x')");
          throw new DomainError('UPSTREAM_TIMEOUT', 'crm-service did not answer');
        },
      });
      const invalid = await parking.publishRaw(
        Events.leadStatusChanged,
        JSON.stringify({ tenantId, leadId: 'not-a-uuid' }),
      );
      const bug = await parking.publish(Events.leadStatusChanged, { ...event(tenantId), to: 'calificado' });
      const slow = await parking.publish(Events.leadStatusChanged, event(tenantId));
      // While the table cannot be written, nothing is lost: the bug is redelivered and tried again.
      await waitFor(() => (attempts.get('calificado') ?? 0) >= 2, { what: 'redelivery while parking fails' });
      databaseUp = true;
      const parked = await waitFor(
        async () => {
          const rows: { stream_sequence: string; error_code: string; reason: string }[] =
            await dataSource.query(
              `SELECT stream_sequence, error_code, reason FROM crm.dead_letters
                WHERE consumer = $1 AND stream_sequence = ANY($2::bigint[])
                ORDER BY stream_sequence`,
              [durable, [invalid.seq, bug.seq, slow.seq]],
            );
          if (rows.length !== 3) throw new Error(`parked: ${JSON.stringify(rows)}`);
          return rows;
        },
        { what: 'three dead letters' },
      );
      expect(parked).toEqual([
        { stream_sequence: String(invalid.seq), error_code: 'VALIDATION', reason: 'permanent' },
        { stream_sequence: String(bug.seq), error_code: 'TypeError', reason: 'permanent' },
        { stream_sequence: String(slow.seq), error_code: 'UPSTREAM_TIMEOUT', reason: 'exhausted' },
      ]);
      await waitForConsumerIdle(durable);
    } finally {
      await parking.onApplicationShutdown();
      await dataSource.destroy();
    }
  }, 30_000);
});
