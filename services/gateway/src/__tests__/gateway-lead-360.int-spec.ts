import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import type { Client } from 'pg';
import type { ServiceHandle } from '@crm/testing';
import {
  QueueGroups,
  Rpc,
  type AdContext,
  type AutomationLogView,
  type LeadDetail,
  type LeadPage,
  type LeadTimelinePage,
  type LeadView,
  type Role,
} from '@crm/contracts';
import {
  TEST_PASSWORD,
  connectDatabase,
  seedLead,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

const KNOWN_AD = '120210000000000101';
const UNKNOWN_AD = '120210000000000999';
const codec = JSONCodec<{ id: string; data: Record<string, unknown> }>();

/**
 * A stand-in for another service on NATS (Nest's request/reply envelope): answers `subject` with `reply(payload)`,
 * optionally late. Stopping it is the service being down.
 */
function respond(
  nats: NatsConnection,
  subject: string,
  queue: string,
  reply: (data: Record<string, unknown>) => unknown,
  delayMs = () => 0,
): { calls: Record<string, unknown>[]; stop: () => void } {
  const calls: Record<string, unknown>[] = [];
  const sub: Subscription = nats.subscribe(subject, { queue });
  void (async () => {
    for await (const message of sub) {
      const { id, data } = codec.decode(message.data);
      calls.push(data);
      const wait = delayMs();
      if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      message.respond(JSONCodec().encode({ id, response: reply(data), isDisposed: true }));
    }
  })();
  return { calls, stop: () => sub.unsubscribe() };
}

const knownContext: AdContext = {
  adId: KNOWN_AD,
  known: true,
  adName: 'Anuncio Roma · video',
  adsetId: '120210000000000102',
  adsetName: 'CDMX 25-45',
  campaignId: '120210000000000103',
  campaignName: 'Deptos Roma',
  effectiveStatus: 'ACTIVE',
  thumbnailUrl: 'https://scontent.xx.fbcdn.net/v/t.jpg',
  imageUrl: null,
  title: 'Deptos en la Roma',
  body: 'Desde $1.5M',
};

describe('gateway: lead 360 (ad names in the list, ad context, timeline)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let nats: NatsConnection;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let knownLead: string;
  let unknownLead: string;
  let manualLead: string;
  let metaDelayMs = 0;

  beforeAll(async () => {
    db = await connectDatabase();
    nats = await connect({ servers: process.env.NATS_URL! });
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Lead 360');
    other = await seedTenant(db, 'Otro 360');
    knownLead = await seedLead(db, tenant.tenantId, 'Lead del anuncio');
    unknownLead = await seedLead(db, tenant.tenantId, 'Lead de un anuncio borrado');
    manualLead = await seedLead(db, tenant.tenantId, 'Lead manual');
    for (const [id, ad] of [
      [knownLead, KNOWN_AD],
      [unknownLead, UNKNOWN_AD],
    ]) {
      await db.query(
        `UPDATE crm.leads SET lead_source = 'META_ADS', meta_ad_id = $2, meta_adset_id = '1', meta_campaign_id = '2',
                assigned_user_id = $3 WHERE id = $1`,
        [id, ad, tenant.users.ceo.id],
      );
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await nats?.close();
    await db?.end();
  });

  async function loginAs(t: SeededTenant, role: Role) {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: t.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  function metaAds() {
    metaDelayMs = 0;
    return respond(
      nats,
      Rpc.meta.adContext,
      QueueGroups.metaAds,
      (data) => ({
        ads: (data.adIds as string[]).map((adId) =>
          adId === KNOWN_AD ? knownContext : { adId, known: false },
        ),
      }),
      () => metaDelayMs,
    );
  }

  it('names the ad, ad set and campaign of Meta leads with one catalogue call per page', async () => {
    const meta = metaAds();
    try {
      const agent = await loginAs(tenant, 'ceo');
      const page = (await agent.get('/crm/leads').query({ pageSize: 100 }).expect(200)).body as LeadPage;
      const byId = new Map(page.items.map((lead) => [lead.id, lead]));
      expect(byId.get(knownLead)!.adNames).toEqual({
        adId: KNOWN_AD,
        adName: 'Anuncio Roma · video',
        adsetId: '120210000000000102',
        adsetName: 'CDMX 25-45',
        campaignId: '120210000000000103',
        campaignName: 'Deptos Roma',
      });
      expect(byId.get(unknownLead)!.adNames).toMatchObject({
        adId: UNKNOWN_AD,
        adName: null,
        campaignName: null,
      });
      expect(byId.get(manualLead)!.adNames).toBeNull();
      expect(meta.calls).toHaveLength(1);
      expect(meta.calls[0]).toMatchObject({ tenantId: tenant.tenantId });
      expect((meta.calls[0].adIds as string[]).sort()).toEqual([KNOWN_AD, UNKNOWN_AD]);

      const detail = (await agent.get(`/crm/leads/${knownLead}`).expect(200)).body as LeadDetail;
      expect(detail.adContext).toEqual(knownContext);
      expect(detail.adNames?.campaignName).toBe('Deptos Roma');
    } finally {
      meta.stop();
    }
  });

  it('still lists leads (adNames null) when meta-ads-service is down or slow', async () => {
    const agent = await loginAs(tenant, 'ceo');
    const down = (await agent.get('/crm/leads').expect(200)).body as LeadPage;
    expect(down.items.find((lead) => lead.id === knownLead)!.adNames).toBeNull();
    const detail = (await agent.get(`/crm/leads/${knownLead}`).expect(200)).body as LeadDetail;
    expect(detail).toMatchObject({ id: knownLead, adContext: null, adNames: null });

    const meta = metaAds();
    metaDelayMs = 5000;
    try {
      const started = Date.now();
      const slow = (await agent.get('/crm/leads').expect(200)).body as LeadPage;
      expect(Date.now() - started).toBeLessThan(4000);
      expect(slow.items.find((lead) => lead.id === knownLead)!.adNames).toBeNull();
    } finally {
      meta.stop();
    }
  });

  it('serves the timeline newest first with HSM sends merged in, paged by cursor', async () => {
    const agent = await loginAs(tenant, 'ceo');
    const created = (
      await agent
        .post('/crm/leads')
        .send({ name: 'Lead con historia', phone: '+5215512340001', leadSource: 'MANUAL' })
        .expect(201)
    ).body as LeadView;
    await agent.patch(`/crm/leads/${created.id}`).send({ status: 'contactado' }).expect(200);
    const sentAt = new Date(Date.now() + 60_000).toISOString();
    const send: AutomationLogView = {
      id: randomUUID(),
      ruleKey: 'lead_followup',
      leadId: created.id,
      leadName: created.name,
      phone: created.phone,
      templateName: 'seguimiento_lead',
      templateLanguage: 'es',
      status: 'delivered',
      wamid: 'wamid.x',
      error: null,
      scheduledFor: sentAt,
      sentAt,
      deliveredAt: sentAt,
      readAt: null,
      repliedAt: null,
      history: [],
    };
    const automation = respond(nats, Rpc.automation.listLogs, QueueGroups.automation, () => ({
      items: [send],
      total: 1,
      totalCapped: false,
      page: 1,
      pageSize: 100,
    }));
    try {
      const all = (await agent.get(`/crm/leads/${created.id}/timeline`).expect(200)).body as LeadTimelinePage;
      // A new lead without a seller went to the setters' round-robin.
      expect(all.items.map((e) => e.kind)).toEqual(['hsm_sent', 'status_changed', 'assigned', 'created']);
      expect(all.items[0]).toMatchObject({ hsm: { templateName: 'seguimiento_lead', status: 'delivered' } });
      expect(all.items[1]).toMatchObject({
        from: 'nuevo',
        to: 'contactado',
        actorName: expect.stringMatching(/^ceo /),
      });
      expect(all).toMatchObject({ nextCursor: null, unavailable: [] });
      expect(automation.calls[0]).toMatchObject({ tenantId: tenant.tenantId, leadId: created.id });

      const first = (await agent.get(`/crm/leads/${created.id}/timeline`).query({ limit: 2 }).expect(200))
        .body as LeadTimelinePage;
      expect(first.items.map((e) => e.kind)).toEqual(['hsm_sent', 'status_changed']);
      const second = (
        await agent
          .get(`/crm/leads/${created.id}/timeline`)
          .query({ limit: 2, cursor: first.nextCursor })
          .expect(200)
      ).body as LeadTimelinePage;
      expect(second.items.map((e) => e.kind)).toEqual(['assigned', 'created']);
      expect(second.nextCursor).toBeNull();
    } finally {
      automation.stop();
    }
    const withoutHsm = (await agent.get(`/crm/leads/${created.id}/timeline`).expect(200))
      .body as LeadTimelinePage;
    expect(withoutHsm.unavailable).toEqual(['hsm']);
    expect(withoutHsm.items.map((e) => e.kind)).toEqual(['status_changed', 'assigned', 'created']);
  });

  it('answers 404 for another tenant’s lead or a setter’s unassigned lead, 400 for a bad query', async () => {
    const foreign = await seedLead(db, other.tenantId, 'Lead ajeno');
    const ceo = await loginAs(tenant, 'ceo');
    await ceo.get(`/crm/leads/${foreign}/timeline`).expect(404);
    await ceo.get(`/crm/leads/${foreign}`).expect(404);
    const setter = await loginAs(tenant, 'setter');
    await setter.get(`/crm/leads/${knownLead}/timeline`).expect(404);
    await setter.get(`/crm/leads/${knownLead}`).expect(404);
    await ceo.get(`/crm/leads/${knownLead}/timeline`).query({ cursor: 'bm9wZQ' }).expect(400);
    await ceo.get(`/crm/leads/${knownLead}/timeline`).query({ limit: 0 }).expect(400);
    await ceo.get('/crm/leads/not-a-uuid/timeline').expect(400);
  });
});
