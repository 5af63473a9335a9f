import { randomUUID } from 'node:crypto';
import { Events, LeadStatusChangedEvent } from '@crm/contracts';
import { DeadLetterStore, JetStreamService } from '@crm/nest-common';
import { waitFor } from '@crm/testing';
import { DataSource } from 'typeorm';
import { parseArgs, runDeadLetters } from './dead-letters';

/** The ops CLI on the run's database (every migration applied) and nats-server. */
describe('dead-letters CLI: list, show, replay, discard', () => {
  let db: DataSource;
  let jetstream: JetStreamService;
  const consumer = `cli-spec-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL! }).initialize();
    jetstream = new JetStreamService();
    await jetstream.connect(process.env.NATS_URL!, 'dead-letters-cli-spec');
  });

  afterAll(async () => {
    await jetstream.onApplicationShutdown();
    await db.destroy();
  });

  async function park(body: string): Promise<string> {
    const sequence = Math.floor(Math.random() * 1e9);
    await new DeadLetterStore(db, 'crm').park({
      consumer,
      subject: Events.leadStatusChanged,
      streamSequence: sequence,
      payload: body,
      errorCode: 'TypeError',
      errorMessage: 'x is not iterable',
      reason: 'permanent',
      attempts: 1,
    });
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM crm.dead_letters WHERE consumer = $1 AND stream_sequence = $2`,
      [consumer, sequence],
    );
    return rows[0].id;
  }

  const run = (...argv: string[]) => runDeadLetters([...argv, '--service', 'crm-service']);

  it('refuses bad arguments with the usage line', () => {
    expect(() => parseArgs(['list'])).toThrow(/usage: dead-letters/);
    expect(() => parseArgs(['replay', '--service', 'crm-service'])).toThrow(/needs a dead letter id/);
    expect(() => parseArgs(['list', '--service', 'gateway'])).toThrow(/usage/);
    expect(() => parseArgs(['explode', '--service', 'crm-service'])).toThrow(/usage/);
  });

  it('lists and shows parked messages, discards one (kept for audit), and refuses to touch it again', async () => {
    const id = await park('{"broken":true}');
    const listed = await run('list', '--consumer', consumer);
    expect(listed).toContain(id);
    expect(listed).toContain('TypeError: x is not iterable');
    expect(await run('show', id)).toContain('{"broken":true}');
    expect(await run('discard', id)).toBe(`discarded ${id}`);
    expect(await run('list', '--consumer', consumer)).toBe('no dead letters');
    expect(await run('list', '--consumer', consumer, '--status', 'discarded')).toContain(id);
    await expect(run('discard', id)).rejects.toThrow(`no parked dead letter ${id}`);
    await expect(run('replay', id)).rejects.toThrow(`no parked dead letter ${id}`);
  });

  it('replays a parked message to its original subject, once, and marks it replayed', async () => {
    const tenantId = randomUUID();
    const event: LeadStatusChangedEvent = {
      tenantId,
      leadId: randomUUID(),
      from: 'nuevo',
      to: 'contactado',
      changedAt: new Date().toISOString(),
    };
    const received: LeadStatusChangedEvent[] = [];
    await jetstream.consume({
      durable: `cli-spec-${randomUUID().slice(0, 8)}`,
      subject: Events.leadStatusChanged,
      payload: LeadStatusChangedEvent,
      handler: async (payload) => {
        if (payload.tenantId === tenantId) received.push(payload);
      },
    });
    const id = await park(JSON.stringify(event));
    expect(await run('replay', id)).toBe(`replayed ${id} to ${Events.leadStatusChanged}`);
    await waitFor(() => received.length === 1, { what: 'the replayed event' });
    expect(received[0]).toEqual(event);
    const rows: { status: string; resolved: boolean }[] = await db.query(
      `SELECT status, resolved_at IS NOT NULL AS resolved FROM crm.dead_letters WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ status: 'replayed', resolved: true });
    await expect(run('replay', id)).rejects.toThrow(`no parked dead letter ${id}`);
  });
});
