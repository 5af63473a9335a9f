import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import {
  Rpc,
  type LeadAdsPageOption,
  type LeadAdsPageView,
  type LeadFormView,
  type LeadgenBackfillView,
} from '@crm/contracts';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import { createSandbox, idsOf, type ListeningSandbox, type SandboxIds } from '@crm/meta-sandbox';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  mintSandboxToken,
  startServiceProcess,
  type ServiceHandle,
} from '@crm/testing';
import {
  TEST_PASSWORD,
  connectDatabase,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

jest.setTimeout(90_000);

const APP_SECRET = 'int-test-app-secret';
const PAGES = '/crm/marketing/lead-ads/pages';

describe('gateway: Lead Ads Pages, forms and backfills (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let sandbox: ListeningSandbox;
  let crm: ServiceHandle;
  let metaAds: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let rpc: RpcTestClient;
  let owner: SeededTenant;
  let other: SeededTenant;
  let ids: SandboxIds;

  beforeAll(async () => {
    db = await connectDatabase();
    // A dataset of our own: its Page, number and WABA belong to no other suite's tenant.
    const created = createSandbox({
      seed: `gateway-lead-ads-${randomUUID()}`,
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
      webhookMaxAttempts: 1,
    });
    ids = idsOf(created.state.dataset);
    sandbox = await created.listen(0);
    const [crmHandle, metaHandle, gatewayHandle] = await Promise.all([
      startCrmService(),
      startServiceProcess('meta-ads-service', {
        HTTP_PORT: String(await freePort()),
        DATABASE_URL: process.env.DATABASE_URL!,
        NATS_URL: process.env.NATS_URL!,
        LOG_LEVEL: 'warn',
        META_GRAPH_URL: sandbox.url,
        META_GRAPH_VERSION: 'v23.0',
        META_APP_ID: ids.appId,
        META_APP_SECRET: APP_SECRET,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
      startTestGateway(),
    ]);
    crm = crmHandle;
    metaAds = metaHandle;
    gateway = gatewayHandle;
    rpc = new RpcTestClient(process.env.NATS_URL!);
    owner = await seedTenant(db, 'Inmobiliaria Dueña de la Página');
    other = await seedTenant(db, 'Inmobiliaria Vecina');
    // Both accounts were connected by the same Facebook user: both see the Page. Only `owner` chooses it below.
    await connectTenantToSandbox(rpc, sandbox.url, owner.tenantId, ids);
    await rpc.call(Rpc.meta.completeOauth, {
      tenantId: other.tenantId,
      userId: other.users.ceo.id,
      accessToken: await mintSandboxToken(sandbox.url),
    });
  });

  afterAll(async () => {
    for (const tenant of [owner, other]) {
      await rpc?.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId }).catch(() => undefined);
    }
    await rpc?.close();
    await gateway?.close();
    await Promise.all([crm?.stop(), metaAds?.stop()]);
    await sandbox?.close();
    await db?.end();
  });

  async function loginAs(tenant: SeededTenant, role: keyof SeededTenant['users']) {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

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
