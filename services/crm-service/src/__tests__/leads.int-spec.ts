import { randomUUID } from 'node:crypto';
import { Events, Rpc, type CreateLeadRequest, type LeadCreatedEvent } from '@crm/contracts';
import { waitFor, rpcError } from '@crm/testing';
import {
  collectEvents,
  createTestTenant,
  randomPhone,
  sleep,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: leads', () => {
  let crm: CrmTestApp;
  let tenantA: TestTenant;
  let tenantB: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenantA = await createTestTenant(crm.db, 'Inmobiliaria A');
    tenantB = await createTestTenant(crm.db, 'Inmobiliaria B');
  });

  afterAll(async () => {
    await crm.close();
  });

  const create = (
    tenantId: string,
    fields: Omit<CreateLeadRequest, 'tenantId' | 'leadSource'> & Partial<CreateLeadRequest>,
  ) => crm.rpc.call(Rpc.crm.createLead, { tenantId, leadSource: 'MANUAL', ...fields });

  it('creates a lead and publishes lead.created exactly once through the outbox', async () => {
    const events = await collectEvents(crm.jetstream, Events.leadCreated, tenantA.tenantId);
    const lead = await create(tenantA.tenantId, {
      name: '  Ana Torres ',
      phone: '+5215511112222',
      email: 'Ana.Torres@Example.com',
      leadSource: 'WEBSITE',
      assignedUserId: tenantA.users.setter.id,
    });
    expect(lead).toMatchObject({
      name: 'Ana Torres',
      phone: '+5215511112222',
      email: 'ana.torres@example.com',
      status: 'nuevo',
      leadSource: 'WEBSITE',
      metaAdId: null,
      ctwaClid: null,
      optedOut: false,
      assignedUserId: tenantA.users.setter.id,
      assignedUserName: expect.stringContaining('setter'),
    });
    await waitFor(() => events.length >= 1, { what: 'lead.created' });
    await sleep(800); // several relay ticks: a second publish would have arrived by now
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tenantId: tenantA.tenantId,
      leadId: lead.id,
      name: 'Ana Torres',
      phone: '+5215511112222',
      status: 'nuevo',
      leadSource: 'WEBSITE',
      createdAt: lead.createdAt,
    });
    const outbox: { published_at: Date | null }[] = await crm.db.query(
      `SELECT published_at FROM crm.outbox WHERE tenant_id = $1 AND subject = $2`,
      [tenantA.tenantId, Events.leadCreated],
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0].published_at).not.toBeNull();
  });

  it('relays outbox rows left unpublished (e.g. by a crash after commit) with the outbox id as message id', async () => {
    const events = await collectEvents(crm.jetstream, Events.leadCreated, tenantB.tenantId);
    const payload: LeadCreatedEvent = {
      tenantId: tenantB.tenantId,
      leadId: randomUUID(),
      name: 'Huérfano',
      phone: '+5215599990000',
      status: 'nuevo',
      leadSource: 'MANUAL',
      createdAt: new Date().toISOString(),
    };
    const [row]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.outbox (tenant_id, subject, payload) VALUES ($1, $2, $3::jsonb) RETURNING id`,
      [tenantB.tenantId, Events.leadCreated, JSON.stringify(payload)],
    );
    await waitFor(() => events.some((e) => e.leadId === payload.leadId), { what: 'relayed event' });
    // Marked published once the relay's batch commits (after the publish).
    const published = await waitFor(
      async () => {
        const [found]: { published_at: Date | null }[] = await crm.db.query(
          `SELECT published_at FROM crm.outbox WHERE id = $1`,
          [row.id],
        );
        return found?.published_at ?? undefined;
      },
      { what: 'the row marked published' },
    );
    expect(published).toBeInstanceOf(Date);
    // A second publish of the same row (relay crashed before marking it) is dropped by the stream.
    expect((await crm.jetstream.publish(Events.leadCreated, payload, row.id)).duplicate).toBe(true);
  });

  it('refuses a duplicate phone in the tenant with CONFLICT (also written without the Mexican 1)', async () => {
    const first = await create(tenantA.tenantId, { name: 'Beto', phone: '+5215533334444' });
    for (const phone of ['+5215533334444', '+525533334444']) {
      const error = await rpcError(create(tenantA.tenantId, { name: 'Otro', phone }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('+5215533334444');
      expect(error.details).toMatchObject({ field: 'phone', leadId: first.id });
    }
    // The same phone is fine in another tenant.
    const other = await create(tenantB.tenantId, { name: 'Beto B', phone: '+5215533334444' });
    expect(other.id).not.toBe(first.id);
    const count: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.outbox WHERE tenant_id = $1 AND payload->>'phone' = '+5215533334444'`,
      [tenantA.tenantId],
    );
    expect(count[0].n).toBe(1);
  });

  it('rejects invalid payloads with VALIDATION', async () => {
    const cases: Record<string, unknown>[] = [
      { tenantId: tenantA.tenantId, name: 'X', phone: '5512345678', leadSource: 'MANUAL' },
      { tenantId: tenantA.tenantId, name: '', phone: randomPhone(), leadSource: 'MANUAL' },
      { tenantId: tenantA.tenantId, name: '   ', phone: randomPhone(), leadSource: 'MANUAL' },
      { tenantId: tenantA.tenantId, name: 'X', phone: randomPhone(), leadSource: 'TIKTOK' },
      { tenantId: tenantA.tenantId, name: 'X', phone: randomPhone(), leadSource: 'MANUAL', email: 'nope' },
      { tenantId: 'not-a-uuid', name: 'X', phone: randomPhone(), leadSource: 'MANUAL' },
      {
        tenantId: tenantA.tenantId,
        name: 'X',
        phone: randomPhone(),
        leadSource: 'MANUAL',
        assignedUserId: tenantB.users.closer.id,
      },
    ];
    for (const payload of cases) {
      const error = await rpcError(crm.rpc.callInvalid(Rpc.crm.createLead, payload));
      expect([error.code, payload]).toEqual(['VALIDATION', payload]);
    }
    const invalidStatus = await rpcError(
      crm.rpc.callInvalid(Rpc.crm.updateLeadStatus, {
        tenantId: tenantA.tenantId,
        leadId: randomUUID(),
        status: 'ganado',
      }),
    );
    expect(invalidStatus.code).toBe('VALIDATION');
  });

  it('keeps tenants apart: tenant B cannot read or change tenant A lead', async () => {
    const lead = await create(tenantA.tenantId, { name: 'Privado', phone: randomPhone() });
    const read = await rpcError(
      crm.rpc.call(Rpc.crm.getLead, { tenantId: tenantB.tenantId, leadId: lead.id }),
    );
    expect(read.code).toBe('NOT_FOUND');
    const write = await rpcError(
      crm.rpc.call(Rpc.crm.updateLeadStatus, {
        tenantId: tenantB.tenantId,
        leadId: lead.id,
        status: 'contactado',
      }),
    );
    expect(write.code).toBe('NOT_FOUND');
    const listB = await crm.rpc.call(Rpc.crm.listLeads, {
      tenantId: tenantB.tenantId,
      search: 'Privado',
    });
    expect(listB.total).toBe(0);
    const still = await crm.rpc.call(Rpc.crm.getLead, {
      tenantId: tenantA.tenantId,
      leadId: lead.id,
    });
    expect(still.status).toBe('nuevo');
  });

  it('returns a lead with its opportunities and sales', async () => {
    const lead = await create(tenantA.tenantId, { name: 'Con venta', phone: randomPhone() });
    const [opportunity]: { id: string }[] = await crm.db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, status, closed_at)
       VALUES ($1, $2, 'Casa en Coyoacán', 1234567.89, 'MXN', 'won', now()) RETURNING id`,
      [tenantA.tenantId, lead.id],
    );
    await crm.db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, 1234567.89, 'MXN', 'completed', '2026-03-01T12:00:00Z')`,
      [tenantA.tenantId, lead.id, opportunity.id],
    );
    const detail = await crm.rpc.call(Rpc.crm.getLead, {
      tenantId: tenantA.tenantId,
      leadId: lead.id,
    });
    expect(detail.id).toBe(lead.id);
    expect(detail.opportunities).toEqual([
      expect.objectContaining({
        id: opportunity.id,
        title: 'Casa en Coyoacán',
        value: 1234567.89,
        status: 'won',
      }),
    ]);
    expect(detail.sales).toEqual([
      {
        id: expect.any(String),
        leadId: lead.id,
        opportunityId: opportunity.id,
        amount: 1234567.89,
        currency: 'MXN',
        status: 'completed',
        completedAt: '2026-03-01T12:00:00.000Z',
        refundedAt: null,
        createdAt: expect.any(String),
      },
    ]);
  });

  it('changes status, emitting lead.status-changed only when it actually changes', async () => {
    const events = await collectEvents(crm.jetstream, Events.leadStatusChanged, tenantA.tenantId);
    const lead = await create(tenantA.tenantId, { name: 'Cambio', phone: randomPhone() });
    const updated = await crm.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantA.tenantId,
      leadId: lead.id,
      status: 'calificado',
    });
    expect(updated.status).toBe('calificado');
    const same = await crm.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantA.tenantId,
      leadId: lead.id,
      status: 'calificado',
    });
    expect(same.status).toBe('calificado');
    await waitFor(() => events.some((e) => e.leadId === lead.id), { what: 'status-changed' });
    await sleep(800);
    expect(events.filter((e) => e.leadId === lead.id)).toEqual([
      expect.objectContaining({
        tenantId: tenantA.tenantId,
        leadId: lead.id,
        from: 'nuevo',
        to: 'calificado',
      }),
    ]);
  });

  describe('listing', () => {
    let tenant: TestTenant;
    const names = ['Zoe Pérez', 'Yolanda Ruiz', 'Xavier Díaz', 'Walter 100%_raro', 'Valeria Luna'];

    beforeAll(async () => {
      tenant = await createTestTenant(crm.db, 'Listado');
      // Insert with explicit, distinct creation times (newest first = names order).
      for (const [i, name] of names.entries()) {
        await crm.db.query(
          `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, assigned_user_id, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(hours => $8))`,
          [
            tenant.tenantId,
            name,
            `+52155500000${i}0`,
            i === 2 ? 'xavier@correo.example' : null,
            i % 2 === 0 ? 'nuevo' : 'contactado',
            i < 3 ? 'META_ADS' : 'REFERRAL',
            i === 0 ? tenant.users.closer.id : null,
            i,
          ],
        );
      }
    });

    const list = (query: Record<string, unknown>) =>
      crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, ...query });

    it('defaults to page 1 of 25, newest first, with the assigned user name', async () => {
      const page = await list({});
      expect(page).toMatchObject({ total: 5, page: 1, pageSize: 25 });
      expect(page.items.map((l) => l.name)).toEqual(names);
      expect(page.items[0].assignedUserName).toContain('closer');
      expect(page.items[1].assignedUserName).toBeNull();
    });

    it('paginates', async () => {
      const second = await list({ page: 2, pageSize: 2 });
      expect(second).toMatchObject({ total: 5, page: 2, pageSize: 2 });
      expect(second.items.map((l) => l.name)).toEqual(names.slice(2, 4));
      const beyond = await list({ page: 4, pageSize: 2 });
      expect(beyond.items).toEqual([]);
      expect(beyond.total).toBe(5);
      expect((await rpcError(list({ pageSize: 101 }))).code).toBe('VALIDATION');
      expect((await rpcError(list({ page: 0 }))).code).toBe('VALIDATION');
    });

    it('filters by status and source, and both', async () => {
      expect((await list({ status: 'contactado' })).items.map((l) => l.name)).toEqual([names[1], names[3]]);
      expect((await list({ source: 'META_ADS' })).items.map((l) => l.name)).toEqual(names.slice(0, 3));
      const both = await list({ status: 'nuevo', source: 'META_ADS' });
      expect(both.total).toBe(2);
      expect(both.items.map((l) => l.name)).toEqual([names[0], names[2]]);
    });

    it('searches name, email and phone case-insensitively, with % and _ taken literally', async () => {
      expect((await list({ search: 'pérez' })).items.map((l) => l.name)).toEqual([names[0]]);
      expect((await list({ search: 'CORREO.example' })).items.map((l) => l.name)).toEqual([names[2]]);
      expect((await list({ search: '55 5000 0040' })).items.map((l) => l.name)).toEqual([names[4]]);
      expect((await list({ search: '100%_' })).items.map((l) => l.name)).toEqual([names[3]]);
      expect((await list({ search: '%' })).items.map((l) => l.name)).toEqual([names[3]]);
      expect((await list({ search: 'nadie' })).total).toBe(0);
    });
  });
});
