import { randomUUID } from 'node:crypto';
import { Events, Rpc, type LeadgenReceivedEvent } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('meta-ads-service: Lead Ads Pages are exclusive assets (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let leads: LeadgenReceivedEvent[];

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    leads = await svc.collect(Events.leadgenReceived);
  });

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.releaseAll();
  });

  /** A new lead on the sandbox's Page and the exact webhook body Meta would post for it. */
  const newLead = async (fullName: string) => {
    const lead = await svc.control<{ leadgenId: string; pageId: string; formId: string }>('/leadgen', {
      adId: svc.ids.leadAdIds[0],
      fullName,
      email: `${randomUUID().slice(0, 8)}@example.com`,
      phone: '+52 55 1234 0003',
    });
    const deliveries = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=leadgen')).data;
    const delivery = deliveries.find((w) => w.meta.leadgenId === lead.leadgenId)!;
    return { ...lead, payload: delivery.payload };
  };

  const owners = async (pageId: string) =>
    (
      await svc.db.query<{ tenant_id: string }>(`SELECT tenant_id FROM meta_ads.pages WHERE page_id = $1`, [
        pageId,
      ])
    ).rows.map((row) => row.tenant_id);

  const unrouted = async (leadgenId: string) =>
    (
      await svc.db.query<{ page_id: string }>(
        `SELECT page_id FROM meta_ads.unrouted_leadgen WHERE leadgen_id = $1`,
        [leadgenId],
      )
    ).rows;

  it('lists the Pages the user manages with their names; choosing one subscribes the app to its leadgen', async () => {
    const { tenantId } = await svc.connectTenant({ select: false });
    const before = await svc.rpc.call(Rpc.meta.listPages, { tenantId });
    expect(before).toEqual([
      { id: svc.ids.pageId, name: 'Inmobiliaria Sol', chosen: false, takenByAnotherAccount: false },
    ]);
    expect(svc.sandbox.state.subscriptions.has(`page:${svc.ids.pageId}`)).toBe(false);

    const chosen = await svc.rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [svc.ids.pageId] });
    expect(chosen).toEqual([
      {
        id: svc.ids.pageId,
        name: 'Inmobiliaria Sol',
        chosenAt: expect.any(String),
        subscribedAt: expect.any(String),
      },
    ]);
    expect(svc.sandbox.state.subscriptions.has(`page:${svc.ids.pageId}`)).toBe(true);
    expect(await owners(svc.ids.pageId)).toEqual([tenantId]);
    expect(await svc.rpc.call(Rpc.meta.listPages, { tenantId })).toEqual([
      expect.objectContaining({ id: svc.ids.pageId, chosen: true, takenByAnotherAccount: false }),
    ]);

    // A Page the user does not manage is refused before anything changes.
    const unknown = await rpcError(svc.rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: ['123123123'] }));
    expect(unknown).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/123123123/) });
    expect(await owners(svc.ids.pageId)).toEqual([tenantId]);

    // Choosing no Page releases it.
    expect(await svc.rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [] })).toEqual([]);
    expect(await owners(svc.ids.pageId)).toEqual([]);
  });

  it('a Page another account chose is refused with a 409 naming it, and shown as taken', async () => {
    const { tenantId: owner } = await svc.connectTenant();
    const { tenantId: other } = await svc.connectTenant({ select: false });
    const error = await rpcError(
      svc.rpc.call(Rpc.meta.selectPages, { tenantId: other, pageIds: [svc.ids.pageId] }),
    );
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: 'the Facebook Page "Inmobiliaria Sol" is already connected to another CRM Ventas account',
      details: { reason: 'page_owned', pageId: svc.ids.pageId },
    });
    expect(await svc.rpc.call(Rpc.meta.listPages, { tenantId: other })).toEqual([
      expect.objectContaining({ id: svc.ids.pageId, chosen: false, takenByAnotherAccount: true }),
    ]);
    expect(await owners(svc.ids.pageId)).toEqual([owner]);
  });

  it('two accounts choosing one Page at once: one gets it, the other a 409', async () => {
    const { tenantId: first } = await svc.connectTenant({ select: false });
    const { tenantId: second } = await svc.connectTenant({ select: false });
    const results = await Promise.allSettled(
      [first, second].map((tenantId) =>
        svc.rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [svc.ids.pageId] }, 20_000),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(refused.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await owners(svc.ids.pageId)).toHaveLength(1);
  });

  it("a lead of a Page two accounts can see goes to the one that chose it (was: 'claimed by 2 tenants')", async () => {
    const { tenantId: owner } = await svc.connectTenant();
    const { tenantId: other } = await svc.connectTenant({ select: false });
    const lead = await newLead('Página Compartida');
    await svc.publishWebhook(lead.payload);
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event for the owner',
    });
    expect(event).toMatchObject({ tenantId: owner, pageId: lead.pageId, fullName: 'Página Compartida' });
    await settle();
    expect(leads.filter((e) => e.leadgenId === lead.leadgenId)).toHaveLength(1);
    expect(leads.find((e) => e.leadgenId === lead.leadgenId && e.tenantId === other)).toBeUndefined();
  });

  it('a lead of a Page nobody chose is kept, not dropped, and read for the account that chooses the Page', async () => {
    const { tenantId } = await svc.connectTenant({ select: false });
    expect(await owners(svc.ids.pageId)).toEqual([]);
    const lead = await newLead('Nadie La Eligió');
    await svc.publishWebhook(lead.payload);
    await waitFor(async () => (await unrouted(lead.leadgenId)).length === 1, { what: 'unrouted lead kept' });
    // Meta redelivering it changes nothing.
    await svc.publishWebhook(lead.payload);
    await settle();
    expect(await unrouted(lead.leadgenId)).toEqual([{ page_id: svc.ids.pageId }]);
    expect(leads.find((e) => e.leadgenId === lead.leadgenId)).toBeUndefined();

    await svc.rpc.call(Rpc.meta.selectPages, { tenantId, pageIds: [svc.ids.pageId] });
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event once the Page is chosen',
    });
    expect(event).toMatchObject({ tenantId, pageId: svc.ids.pageId, fullName: 'Nadie La Eligió' });
    expect(await unrouted(lead.leadgenId)).toEqual([]);
    await svc.publishWebhook(lead.payload);
    await settle();
    expect(leads.filter((e) => e.leadgenId === lead.leadgenId)).toHaveLength(1);
  }, 30_000);

  it('a Page of a disconnected account can be chosen by another one', async () => {
    const { tenantId: before } = await svc.connectTenant();
    await svc.rpc.call(Rpc.meta.disconnect, { tenantId: before });
    const { tenantId: after } = await svc.connectTenant();
    expect(await owners(svc.ids.pageId)).toEqual([after]);
    const lead = await newLead('Nuevo Dueño');
    await svc.publishWebhook(lead.payload);
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event for the new owner',
    });
    expect(event.tenantId).toBe(after);
  });

  it('an unknown Page id never seen by anyone is kept too', async () => {
    const leadgenId = `9${Date.now()}`;
    await svc.publishWebhook({
      object: 'page',
      entry: [
        {
          id: '123123123',
          time: 1438292065,
          changes: [
            {
              field: 'leadgen',
              value: { leadgen_id: leadgenId, page_id: '123123123', created_time: 1440120384 },
            },
          ],
        },
      ],
    });
    await waitFor(async () => (await unrouted(leadgenId)).length === 1, { what: 'unrouted lead kept' });
    expect(leads.find((e) => e.leadgenId === leadgenId)).toBeUndefined();
    const { rows } = await svc.db.query(`SELECT 1 FROM meta_ads.webhook_receipts WHERE event_key = $1`, [
      `leadgen:${leadgenId}`,
    ]);
    expect(rows).toHaveLength(0);
  });
});
