import { randomUUID } from 'node:crypto';
import { DomainError, Events, LeadStatusChangedEvent } from '@crm/contracts';
import { waitFor } from '@crm/testing';
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
});
