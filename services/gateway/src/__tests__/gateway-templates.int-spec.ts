import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import { Rpc, type TemplateDetailView } from '@crm/contracts';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import { createSandbox, idsOf, type ListeningSandbox, type SandboxIds } from '@crm/meta-sandbox';
import { RpcTestClient, freePort, startServiceProcess, type ServiceHandle } from '@crm/testing';
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
const DETAILS = '/crm/marketing/automation/templates/details';
const CREATE = '/crm/marketing/automation/templates';

describe('gateway: WhatsApp templates (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let sandbox: ListeningSandbox;
  let crm: ServiceHandle;
  let metaAds: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let rpc: RpcTestClient;
  let tenant: SeededTenant;
  let ids: SandboxIds;

  beforeAll(async () => {
    db = await connectDatabase();
    // A dataset of our own: its number and WABA belong to no other suite's tenant.
    const created = createSandbox({
      seed: `gateway-templates-${randomUUID()}`,
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
    tenant = await seedTenant(db, 'Inmobiliaria Plantillas');
  });

  afterAll(async () => {
    await rpc?.close();
    await gateway?.close();
    await Promise.all([crm?.stop(), metaAds?.stop()]);
    await sandbox?.close();
    await db?.end();
  });

  async function loginAs(role: keyof SeededTenant['users']) {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  /** Connect the tenant's Meta account (what the OAuth callback and the asset choice do), through meta-ads-service. */
  async function connect(): Promise<void> {
    const token = await fetch(`${sandbox.url}/_sandbox/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    await rpc.call(Rpc.meta.completeOauth, {
      tenantId: tenant.tenantId,
      userId: tenant.users.ceo.id,
      accessToken: token,
    });
    await rpc.call(
      Rpc.meta.selectAssets,
      {
        tenantId: tenant.tenantId,
        businessId: ids.businessId,
        adAccountId: ids.adAccountId,
        wabaId: ids.wabaId,
        phoneNumberId: ids.phoneNumberIds[0],
      },
      20_000,
    );
  }

  it('keeps templates for the ceo: professional and setter get 403', async () => {
    for (const role of ['professional', 'setter'] as const) {
      const agent = await loginAs(role);
      await agent.get(DETAILS).expect(403);
      await agent.post(CREATE).send({}).expect(403);
    }
    await request(gateway.server).get(DETAILS).expect(401);
    const spec = await request(gateway.server).get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining([DETAILS, CREATE]),
    );
  });

  it('details: 409 before Meta is connected, then the templates with structure, status and quality', async () => {
    const ceo = await loginAs('ceo');
    const before = await ceo.get(DETAILS).expect(409);
    expect(before.body).toMatchObject({ code: 'META_NOT_CONNECTED' });

    await connect();
    const { body } = await ceo.get(`${DETAILS}?refresh=true`).expect(200);
    const templates = body as TemplateDetailView[];
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.find((t) => t.name === 'recordatorio_cita' && t.language === 'es')).toMatchObject({
      status: 'APPROVED',
      headerFormat: 'TEXT',
      qualityScore: 'GREEN',
      buttons: [{ type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }],
    });
    await ceo.get(`${DETAILS}?refresh=maybe`).expect(400);
  });

  it('create: 400 for a malformed body, 422 with Meta’s message for Meta’s validation error, 201 PENDING when accepted', async () => {
    const ceo = await loginAs('ceo');
    const bad = await ceo
      .post(CREATE)
      .send({ name: 'Promo Junio', language: 'es', category: 'MARKETING', body: { text: 'Hola' } })
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION' });
    expect(bad.body.message).toMatch(/name must be lowercase/);

    const name = `promo_${Date.now().toString(36)}`;
    const refused = await ceo
      .post(CREATE)
      .send({ name, language: 'es', category: 'MARKETING', body: { text: 'Hola {{1}}, hay oferta.' } })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'META_REJECTED', details: { metaSubcode: 2388043 } });
    expect(refused.body.message).toMatch(/sample values/);

    // The tenant comes from the session, never from the body: a body naming one is refused.
    const foreign = await ceo
      .post(CREATE)
      .send({ name, language: 'es', category: 'UTILITY', tenantId: randomUUID(), body: { text: 'Hola' } })
      .expect(400);
    expect(foreign.body.message).toMatch(/tenantId/);

    const created = await ceo
      .post(CREATE)
      .send({
        name,
        language: 'es',
        category: 'MARKETING',
        body: { text: 'Hola {{1}}, hay oferta en {{2}}.', examples: ['Ana', 'Polanco'] },
        footer: 'Inmobiliaria Sol',
        buttons: [{ type: 'PHONE_NUMBER', text: 'Llamar', phoneNumber: '5215512340000' }],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name,
      status: 'PENDING',
      parameterCount: 2,
      footerText: 'Inmobiliaria Sol',
    });
    const listed = (await ceo.get(DETAILS).expect(200)).body as TemplateDetailView[];
    expect(listed.find((t) => t.name === name)?.status).toBe('PENDING');
  });
});
