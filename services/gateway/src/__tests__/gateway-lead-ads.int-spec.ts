import {
  Rpc,
  type LeadAdsPageOption,
  type LeadAdsPageView,
  type LeadFormView,
  type LeadgenBackfillView,
} from '@crm/contracts';
import type { SandboxIds } from '@crm/meta-sandbox';
import { connectTenantToSandbox, mintSandboxToken } from '@crm/testing';
import {
  loginAgent,
  seedTenant,
  startMetaStack,
  type MetaStack,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

const PAGES = '/crm/marketing/lead-ads/pages';

describe('gateway: Lead Ads Pages, forms and backfills (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let stack: MetaStack;
  let gateway: TestGateway;
  let owner: SeededTenant;
  let other: SeededTenant;
  let ids: SandboxIds;

  beforeAll(async () => {
    stack = await startMetaStack('gateway-lead-ads');
    const { db, rpc, listening } = stack;
    ({ gateway, ids } = stack);
    owner = await seedTenant(db, 'Inmobiliaria Dueña de la Página');
    other = await seedTenant(db, 'Inmobiliaria Vecina');
    // Both accounts were connected by the same Facebook user: both see the Page. Only `owner` chooses it below.
    await connectTenantToSandbox(rpc, listening.url, owner.tenantId, ids);
    await rpc.call(Rpc.meta.completeOauth, {
      tenantId: other.tenantId,
      userId: other.users.ceo.id,
      accessToken: await mintSandboxToken(listening.url),
    });
  });

  afterAll(async () => {
    for (const tenant of [owner, other]) {
      await stack?.rpc.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId }).catch(() => undefined);
    }
    await stack?.stop();
  });

  const loginAs = (tenant: SeededTenant, role: keyof SeededTenant['users']) =>
    loginAgent(gateway, tenant.users[role]);

  it('the Page step: one account chooses the Page, the other gets a 409 that says why', async () => {
    const ceo = await loginAs(owner, 'ceo');
    const listed = (await ceo.get(PAGES).expect(200)).body as LeadAdsPageOption[];
    expect(listed).toEqual([
      { id: ids.pageId, name: 'Inmobiliaria Sol', chosen: false, takenByAnotherAccount: false },
    ]);
    const chosen = (
      await ceo
        .put(PAGES)
        .send({ pageIds: [ids.pageId] })
        .expect(200)
    ).body as LeadAdsPageView[];
    expect(chosen).toEqual([expect.objectContaining({ id: ids.pageId, subscribedAt: expect.any(String) })]);

    const neighbour = await loginAs(other, 'ceo');
    const refused = await neighbour
      .put(PAGES)
      .send({ pageIds: [ids.pageId] })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'CONFLICT',
      message: 'the Facebook Page "Inmobiliaria Sol" is already connected to another CRM Ventas account',
      details: { reason: 'page_owned', pageId: ids.pageId },
    });
    expect((await neighbour.get(PAGES).expect(200)).body).toEqual([
      expect.objectContaining({ id: ids.pageId, chosen: false, takenByAnotherAccount: true }),
    ]);
    const malformed = await ceo
      .put(PAGES)
      .send({ pageIds: ['not-an-id'] })
      .expect(400);
    expect(malformed.body.message).toMatch(/numeric Meta id/);
  });

  it('forms with their questions; a mapping is edited, a wrong one is a 400', async () => {
    const ceo = await loginAs(owner, 'ceo');
    const forms = (await ceo.get('/crm/marketing/lead-ads/forms').expect(200)).body as LeadFormView[];
    const queretaro = forms.find((f) => f.name === 'Cotización casas Querétaro')!;
    expect(queretaro).toMatchObject({ pageId: ids.pageId, pageName: 'Inmobiliaria Sol' });
    expect(queretaro.questions.map((q) => q.key)).toContain('presupuesto_de_compra');
    const wrong = await ceo
      .put(`/crm/marketing/lead-ads/forms/${queretaro.id}/mapping`)
      .send({ mapping: { presupuesto_de_compra: 'address' } })
      .expect(400);
    expect(wrong.body.message).toMatch(/^mapping\.presupuesto_de_compra must be one of/);
    const edited = (
      await ceo
        .put(`/crm/marketing/lead-ads/forms/${queretaro.id}/mapping`)
        .send({ mapping: { presupuesto_de_compra: 'tag' } })
        .expect(200)
    ).body as LeadFormView;
    expect(edited.questions.find((q) => q.key === 'presupuesto_de_compra')!.field).toBe('tag');
    expect(edited.pageName).toBe('Inmobiliaria Sol');
  });

  it('backfills: the ceo starts one and sees its progress; a setter may not start one', async () => {
    const ceo = await loginAs(owner, 'ceo');
    const formId = ids.formIds[0];
    const body = {
      formId,
      since: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      until: new Date().toISOString(),
    };
    await (await loginAs(owner, 'setter')).post('/crm/marketing/lead-ads/backfills').send(body).expect(403);
    const started = (await ceo.post('/crm/marketing/lead-ads/backfills').send(body).expect(201))
      .body as LeadgenBackfillView;
    expect(started).toMatchObject({ formId, reason: 'manual', pageName: 'Inmobiliaria Sol' });
    const bad = await ceo
      .post('/crm/marketing/lead-ads/backfills')
      .send({ ...body, since: body.until, until: body.since })
      .expect(400);
    expect(bad.body.message).toBe('since must be before until');
    let job: LeadgenBackfillView | undefined;
    for (let i = 0; i < 100 && job?.state !== 'done'; i++) {
      const list = (await ceo.get('/crm/marketing/lead-ads/backfills').expect(200))
        .body as LeadgenBackfillView[];
      job = list.find((b) => b.id === started.id);
      if (job?.state !== 'done') await new Promise((r) => setTimeout(r, 200));
    }
    expect(job).toMatchObject({ state: 'done', pagesRead: expect.any(Number) });
  });
});
