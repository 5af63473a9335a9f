import { randomUUID } from 'node:crypto';
import { Events, Rpc, type LeadTimelinePage, type TimelineEntry } from '@crm/contracts';
import { rpcError, waitFor } from '@crm/testing';
import {
  actorOf,
  createLeadFor,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: the lead 360 timeline (crm.lead_activity)', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Timeline');
    other = await createTestTenant(crm.db, 'Otro');
  });

  afterAll(async () => {
    await crm.close();
  });

  const viewer = (t: TestTenant, role: 'ceo' | 'setter' | 'closer') => ({ userId: t.users[role].id, role });

  async function fullTimeline(leadId: string, limit: number): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: LeadTimelinePage = await crm.rpc.call(Rpc.crm.leadTimeline, {
        tenantId: tenant.tenantId,
        leadId,
        limit,
        cursor,
      });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      entries.push(...page.items);
      if (!page.nextCursor) return entries;
      cursor = page.nextCursor;
    }
    throw new Error('timeline did not end');
  }

  it('records creation, round-robin, status, assignment, opportunity and sale with actors, newest first', async () => {
    const ceo = actorOf(tenant, 'ceo');
    const lead = await crm.rpc.call(Rpc.crm.createLead, {
      tenantId: tenant.tenantId,
      name: 'Lucía Timeline',
      phone: randomPhone(),
      leadSource: 'REFERRAL',
      actorUserId: tenant.users.ceo.id,
    });
    expect(lead.assignedUserId).toBe(tenant.users.setter.id);
    await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      status: 'contactado',
      viewer: viewer(tenant, 'ceo'),
    });
    await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      assignedUserId: tenant.users.closer.id,
      viewer: viewer(tenant, 'ceo'),
    });
    const opportunity = await crm.rpc.call(Rpc.crm.createOpportunity, {
      ...ceo,
      leadId: lead.id,
      title: 'Depto Roma',
      value: 1500000,
      currency: 'MXN',
      deadline: '2030-01-10T18:00:00.000Z',
    });
    await crm.rpc.call(Rpc.crm.updateOpportunity, {
      ...ceo,
      opportunityId: opportunity.id,
      deadline: '2030-02-01T18:00:00.000Z',
    });
    await crm.rpc.call(Rpc.crm.updateOpportunity, { ...ceo, opportunityId: opportunity.id, status: 'won' });
    const sale = await crm.rpc.call(Rpc.crm.createSale, {
      ...ceo,
      leadId: lead.id,
      opportunityId: opportunity.id,
      amount: 1500000,
      currency: 'MXN',
    });
    await crm.rpc.call(Rpc.crm.updateSale, { ...ceo, saleId: sale.id, status: 'refunded' });

    const entries = await fullTimeline(lead.id, 100);
    expect(entries.map((e) => e.kind)).toEqual([
      'sale_refunded',
      'sale_completed',
      'opportunity_won',
      'opportunity_deadline_moved',
      'opportunity_created',
      'assigned',
      'status_changed',
      'assigned',
      'created',
    ]);
    const ceoName = `ceo ${tenant.tenantId.slice(0, 8)}`;
    const [refunded, , won, moved, , manual, status, roundRobin, created] = entries;
    expect(refunded).toMatchObject({
      actorName: ceoName,
      sale: { id: sale.id, amount: 1500000, currency: 'MXN' },
    });
    expect(won).toMatchObject({ opportunity: { id: opportunity.id, title: 'Depto Roma', value: 1500000 } });
    expect(moved).toMatchObject({ from: '2030-01-10T18:00:00.000Z', to: '2030-02-01T18:00:00.000Z' });
    expect(manual).toMatchObject({
      reason: 'manual',
      toUserId: tenant.users.closer.id,
      toName: `closer ${tenant.tenantId.slice(0, 8)}`,
      actorName: ceoName,
    });
    expect(status).toMatchObject({ from: 'nuevo', to: 'contactado', actorName: ceoName });
    expect(roundRobin).toMatchObject({
      reason: 'round_robin',
      actorUserId: null,
      actorName: null,
      toName: `setter ${tenant.tenantId.slice(0, 8)}`,
    });
    expect(created).toMatchObject({ actorName: ceoName, origin: { channel: 'other', adId: null } });

    const paged = await fullTimeline(lead.id, 2);
    expect(paged.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('answers 404 for a lead of another tenant or not assigned to a setter, and 400 for a bad cursor', async () => {
    const lead = await createLeadFor(crm, tenant, 'closer');
    const foreign = await rpcError(
      crm.rpc.call(Rpc.crm.leadTimeline, { tenantId: other.tenantId, leadId: lead.id }),
    );
    expect(foreign.code).toBe('NOT_FOUND');
    const setter = await rpcError(
      crm.rpc.call(Rpc.crm.leadTimeline, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        viewer: viewer(tenant, 'setter'),
      }),
    );
    expect(setter.code).toBe('NOT_FOUND');
    const closer = await crm.rpc.call(Rpc.crm.leadTimeline, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      viewer: viewer(tenant, 'closer'),
    });
    expect(closer.items.map((e) => e.kind)).toEqual(['created']);
    const badCursor = await rpcError(
      crm.rpc.call(Rpc.crm.leadTimeline, { tenantId: tenant.tenantId, leadId: lead.id, cursor: 'bm9wZQ' }),
    );
    expect(badCursor.code).toBe('VALIDATION');
    const badLimit = await rpcError(
      crm.rpc.call(Rpc.crm.leadTimeline, { tenantId: tenant.tenantId, leadId: lead.id, limit: 1000 }),
    );
    expect(badLimit.code).toBe('VALIDATION');
  });

  it('keeps what a Click-to-WhatsApp lead came from: the referral and the first message', async () => {
    const phone = randomPhone();
    await crm.jetstream.publish(
      Events.whatsappInbound,
      {
        tenantId: tenant.tenantId,
        wamid: `wamid.${randomUUID()}`,
        phoneNumberId: '106540352242922',
        from: phone,
        contactName: 'Pedro CTWA',
        timestamp: new Date().toISOString(),
        text: 'Hola, me interesa el depto',
        referral: {
          sourceId: '120210000000000001',
          sourceType: 'ad',
          sourceUrl: 'https://fb.me/abc',
          headline: 'Deptos en la Roma',
          body: 'Desde $1.5M',
          ctwaClid: 'ARAclid',
        },
        attribution: {
          adId: '120210000000000001',
          adsetId: '120210000000000002',
          campaignId: '120210000000000003',
        },
      },
      randomUUID(),
    );
    const lead = await waitFor(
      async () => {
        const page = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, search: phone });
        return page.items[0];
      },
      { what: 'the CTWA lead' },
    );
    const detail = await crm.rpc.call(Rpc.crm.getLead, { tenantId: tenant.tenantId, leadId: lead.id });
    expect(detail.origin).toMatchObject({
      channel: 'whatsapp_ad',
      adId: '120210000000000001',
      headline: 'Deptos en la Roma',
      body: 'Desde $1.5M',
      sourceUrl: 'https://fb.me/abc',
      message: 'Hola, me interesa el depto',
      formId: null,
    });
    const timeline = await crm.rpc.call(Rpc.crm.leadTimeline, { tenantId: tenant.tenantId, leadId: lead.id });
    const created = timeline.items.find((e) => e.kind === 'created');
    expect(created).toMatchObject({ actorName: null, origin: { headline: 'Deptos en la Roma' } });
  });

  it('is append-only and tenant-isolated', async () => {
    const lead = await createLeadFor(crm, tenant);
    await expect(
      crm.db.query(`UPDATE crm.lead_activity SET kind = 'created' WHERE lead_id = $1`, [lead.id]),
    ).rejects.toThrow(/append-only/);
    const rows = await crm.db.query(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'crm.lead_activity'::regclass`,
    );
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });
});
