import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TemplateDetailView } from '@crm/contracts';
import { connectTenantToSandbox } from '@crm/testing';
import {
  loginAgent,
  seedTenant,
  startMetaStack,
  type MetaStack,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

const DETAILS = '/crm/marketing/automation/templates/details';
const CREATE = '/crm/marketing/automation/templates';

describe('gateway: WhatsApp templates (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let stack: MetaStack;
  let gateway: TestGateway;
  let tenant: SeededTenant;

  beforeAll(async () => {
    stack = await startMetaStack('gateway-templates');
    gateway = stack.gateway;
    tenant = await seedTenant(stack.db, 'Inmobiliaria Plantillas');
  });

  afterAll(() => stack?.stop());

  const loginAs = (role: keyof SeededTenant['users']) => loginAgent(gateway, tenant.users[role]);

  /** Connect the tenant's Meta account (what the OAuth callback and the asset choice do), through meta-ads-service. */
  const connect = () => connectTenantToSandbox(stack.rpc, stack.listening.url, tenant.tenantId, stack.ids);

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
