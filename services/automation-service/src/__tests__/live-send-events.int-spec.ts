import { randomUUID } from 'node:crypto';
import { Live, type AutomationLiveEvent } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { insertSend, sleep, startAutomationTestApp, type AutomationTestApp } from './automation-test-app';

const codec = JSONCodec<AutomationLiveEvent>();

function collect(subscription: Subscription): AutomationLiveEvent[] {
  const received: AutomationLiveEvent[] = [];
  void (async () => {
    for await (const message of subscription) received.push(codec.decode(message.data));
  })();
  return received;
}

describe('automation-service: live send events (NOTIFY → one replica → core NATS)', () => {
  let first: AutomationTestApp;
  let second: AutomationTestApp;
  let nats: NatsConnection;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startAutomationTestApp({ pollMs: 60_000 }),
      startAutomationTestApp({ pollMs: 60_000 }),
    ]);
    nats = await connect({ servers: process.env.NATS_URL! });
  });

  afterAll(async () => {
    await nats.drain();
    await Promise.all([first.close(), second.close()]);
  });

  it('publishes each committed transition once, with two replicas listening, to its tenant only', async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const forA = collect(nats.subscribe(`${Live.automationSendPrefix}.${tenantA}`));
    const forB = collect(nats.subscribe(`${Live.automationSendPrefix}.${tenantB}`));
    await nats.flush();

    const leadId = randomUUID();
    const sendId = await insertSend(first.db, { tenantId: tenantA, leadId, status: 'scheduled' });
    await first.db.query(
      `INSERT INTO automation.send_events (send_id, tenant_id, status, detail) VALUES ($1, $2, 'sending', NULL)`,
      [sendId, tenantA],
    );
    await waitFor(() => forA.length >= 2, { what: 'two live events for tenant A' });
    await sleep(500); // a second replica's copy would arrive by now
    expect(forA).toHaveLength(2);
    expect(forA.map((event) => event.status)).toEqual(['scheduled', 'sending']);
    expect(forA[0]).toMatchObject({
      tenantId: tenantA,
      sendId,
      leadId,
      ruleKey: 'lead_followup',
      detail: 'fixture',
    });
    expect(new Set(forA.map((event) => event.eventId)).size).toBe(2);
    expect(forB).toEqual([]);
  });

  it('says nothing of a transition that was rolled back', async () => {
    const tenantId = randomUUID();
    const received = collect(nats.subscribe(`${Live.automationSendPrefix}.${tenantId}`));
    await nats.flush();
    const sendId = await insertSend(first.db, { tenantId, status: 'scheduled' });
    await waitFor(() => received.length === 1, { what: 'the first event' });
    const runner = first.db.createQueryRunner();
    await runner.startTransaction();
    await runner.query(
      `INSERT INTO automation.send_events (send_id, tenant_id, status, detail) VALUES ($1, $2, 'sending', NULL)`,
      [sendId, tenantId],
    );
    await runner.rollbackTransaction();
    await runner.release();
    await sleep(500);
    expect(received.map((event) => event.status)).toEqual(['scheduled']);
  });

  it('listens again after its database connection is cut', async () => {
    const tenantId = randomUUID();
    const received = collect(nats.subscribe(`${Live.automationSendPrefix}.${tenantId}`));
    await nats.flush();
    const cut = (await first.db.query(
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'automation-live'`,
    )) as { cut: boolean }[];
    expect(cut.length).toBe(2);
    await waitFor(
      async () => {
        const rows = (await first.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'automation-live' AND query ILIKE 'LISTEN%'`,
        )) as { n: number }[];
        return rows[0].n === 2;
      },
      { what: 'both replicas listening again' },
    );
    await insertSend(first.db, { tenantId, status: 'scheduled' });
    await waitFor(() => received.length === 1, { what: 'the event after the reconnect' });
    await sleep(300);
    expect(received).toHaveLength(1);
  });
});
