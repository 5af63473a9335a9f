import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from 'pg';
import type { ConversionDatasetOption, ConversionLogEntry, Page } from '@crm/contracts';
import type { ListeningSandbox, Sandbox, SandboxIds } from '@crm/meta-sandbox';
import { connectTenantToSandbox, type RpcTestClient } from '@crm/testing';
import {
  loginAgent,
  seedLead,
  seedTenant,
  startMetaStack,
  type MetaStack,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

const SETTINGS = '/crm/marketing/conversions/settings';
const DATASETS = '/crm/marketing/conversions/datasets';
const LOG = '/crm/marketing/conversions/log';

describe('gateway: Conversions API settings, datasets and log (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let stack: MetaStack;
  let created: Sandbox;
  let sandbox: ListeningSandbox;
  let gateway: TestGateway;
  let db: Client;
  let rpc: RpcTestClient;
  let tenant: SeededTenant;
  let ids: SandboxIds;
  /** Every reply body of the suite: none may carry a Meta token. */
  const replies: unknown[] = [];

  beforeAll(async () => {
    stack = await startMetaStack('gateway-conversions');
    ({ sandbox: created, listening: sandbox, gateway, db, rpc, ids } = stack);
    tenant = await seedTenant(db, 'Inmobiliaria Conversiones');
  });

  afterAll(() => stack?.stop());

  const loginAs = (role: keyof SeededTenant['users']) => loginAgent(gateway, tenant.users[role]);

  const kept = <T extends { body: unknown }>(response: T): T => {
    replies.push(response.body);
    return response;
  };

  it('is the ceo’s only: professional, setter and closer get 403, no session 401; documented', async () => {
    for (const role of ['professional', 'setter', 'closer'] as const) {
      const agent = await loginAs(role);
      await agent.get(SETTINGS).expect(403);
      await agent.put(SETTINGS).send({ enabled: false }).expect(403);
      await agent.get(DATASETS).expect(403);
      await agent.get(LOG).expect(403);
    }
    await request(gateway.server).get(SETTINGS).expect(401);
    await request(gateway.server).get(LOG).expect(401);
    const spec = await request(gateway.server).get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining([SETTINGS, DATASETS, LOG]),
    );
  });

  it('settings: the defaults, 4xx with a message for bad input, then saved and read back', async () => {
    const ceo = await loginAs('ceo');
    expect(kept(await ceo.get(SETTINGS).expect(200)).body).toEqual({
      enabled: false,
      datasetId: null,
      qualifiedEvent: 'QualifiedLead',
      opportunityEvent: null,
      wonEvent: 'Purchase',
      updatedAt: null,
    });

    const cases: [Record<string, unknown>, RegExp][] = [
      [{ datasetId: 'pixel-1' }, /datasetId must be a Meta dataset id/],
      [{ qualifiedEvent: 'Purchase' }, /qualifiedEvent must be Lead, QualifiedLead or null/],
      [{ wonEvent: 'Lead' }, /wonEvent must be Purchase or null/],
      [{ enabled: 'yes' }, /enabled must be a boolean/],
      [{ enabled: true, tenantId: randomUUID() }, /tenantId/],
      [{ enabled: true }, /choose a dataset before turning the Conversions API on/],
    ];
    for (const [body, message] of cases) {
      const refused = await ceo.put(SETTINGS).send(body).expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION' });
      expect(refused.body.message).toMatch(message);
    }

    const saved = kept(
      await ceo
        .put(SETTINGS)
        .send({ enabled: true, datasetId: '1200000000000501', opportunityEvent: 'Lead' })
        .expect(200),
    ).body;
    expect(saved).toMatchObject({
      enabled: true,
      datasetId: '1200000000000501',
      qualifiedEvent: 'QualifiedLead',
      opportunityEvent: 'Lead',
      wonEvent: 'Purchase',
      updatedAt: expect.any(String),
    });
    expect((await ceo.get(SETTINGS).expect(200)).body).toEqual(saved);
    // Only the fields given change; null turns a point off.
    const partial = await ceo.put(SETTINGS).send({ qualifiedEvent: null }).expect(200);
    expect(partial.body).toMatchObject({ enabled: true, qualifiedEvent: null, opportunityEvent: 'Lead' });
  });

  it('refuses a cross-site PUT (CSRF) and leaves the settings as they were', async () => {
    const ceo = await loginAs('ceo');
    const before = (await ceo.get(SETTINGS).expect(200)).body as { enabled: boolean };
    const forged = await ceo
      .put(SETTINGS)
      .set('Origin', 'https://evil.example')
      .send({ enabled: !before.enabled })
      .expect(403);
    expect(forged.body.message).toContain('cross-site request refused');
    await ceo.put(SETTINGS).set('Sec-Fetch-Site', 'cross-site').send({ enabled: false }).expect(403);
    expect((await ceo.get(SETTINGS).expect(200)).body).toEqual(before);
  });

  it('datasets: 409 before Meta is connected, then the business’s datasets with their names', async () => {
    const ceo = await loginAs('ceo');
    const before = await ceo.get(DATASETS).expect(409);
    expect(before.body).toMatchObject({ code: 'META_NOT_CONNECTED' });

    await connectTenantToSandbox(rpc, sandbox.url, tenant.tenantId, ids);
    const datasets = kept(await ceo.get(DATASETS).expect(200)).body as ConversionDatasetOption[];
    expect(datasets.length).toBeGreaterThan(0);
    for (const dataset of datasets) {
      expect(dataset).toEqual({ id: expect.stringMatching(/^\d+$/), name: expect.any(String) });
      expect(dataset.name).not.toBe('');
    }
  });

  it('log: paged, newest first, with the lead’s name and Meta’s reason; bad paging or state → 400', async () => {
    const ceo = await loginAs('ceo');
    expect(kept(await ceo.get(LOG).expect(200)).body).toEqual({
      items: [],
      total: 0,
      totalCapped: false,
      page: 1,
      pageSize: 25,
    });

    // Two rows as the Conversions loop writes them (a sent Purchase, a parked QualifiedLead): fixtures in the
    // service's own table, read back through the real RPC.
    const sentLead = await seedLead(db, tenant.tenantId, 'Rosa Anuncio');
    const parkedLead = await seedLead(db, tenant.tenantId, 'Marta Formulario');
    const insert = `INSERT INTO meta_ads.conversion_events
        (tenant_id, lead_id, lead_name, event_name, point, event_id, dataset_id, keyed_by, event_time, value,
         currency, server_event, attempts, sent_at, parked_at, last_error, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, '1200000000000501', $7, now(), $8, $9, '{}', 1, $10, $11, $12, $13)`;
    await db.query(insert, [
      tenant.tenantId,
      sentLead,
      'Rosa Anuncio',
      'Purchase',
      'won',
      `crm:${tenant.tenantId}:${sentLead}:Purchase`,
      'ctwa_clid',
      1_250_000,
      'MXN',
      new Date(),
      null,
      null,
      new Date(Date.now() - 60_000),
    ]);
    await db.query(insert, [
      tenant.tenantId,
      parkedLead,
      'Marta Formulario',
      'QualifiedLead',
      'qualified',
      `crm:${tenant.tenantId}:${parkedLead}:QualifiedLead`,
      'lead_id',
      null,
      null,
      null,
      new Date(),
      { code: 'META_REJECTED', message: 'Invalid parameter (#100/33)', at: new Date().toISOString() },
      new Date(),
    ]);

    const first = kept(await ceo.get(`${LOG}?pageSize=1`).expect(200)).body as Page<ConversionLogEntry>;
    expect(first).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(first.items).toEqual([
      expect.objectContaining({
        leadId: parkedLead,
        leadName: 'Marta Formulario',
        eventName: 'QualifiedLead',
        state: 'parked',
        lastError: expect.objectContaining({ message: 'Invalid parameter (#100/33)' }),
      }),
    ]);
    const second = (await ceo.get(`${LOG}?pageSize=1&page=2`).expect(200)).body as Page<ConversionLogEntry>;
    expect(second.items).toEqual([
      expect.objectContaining({
        leadName: 'Rosa Anuncio',
        eventName: 'Purchase',
        state: 'sent',
        value: 1_250_000,
        currency: 'MXN',
        sentAt: expect.any(String),
      }),
    ]);
    const sent = (await ceo.get(`${LOG}?state=sent`).expect(200)).body as Page<ConversionLogEntry>;
    expect(sent.items.map((entry) => entry.leadId)).toEqual([sentLead]);

    for (const [query, message] of [
      ['pageSize=0', /pageSize must not be less than 1/],
      ['pageSize=500', /pageSize must not be greater than 100/],
      ['page=abc', /page must be an integer/],
      ['state=lost', /state must be pending, sent or parked/],
    ] as const) {
      const refused = await ceo.get(`${LOG}?${query}`).expect(400);
      expect(refused.body.message).toMatch(message);
    }
  });

  it('never puts a Meta token in a reply', () => {
    const tokens = [...created.state.tokens.values()].map((record) => record.token);
    expect(tokens.length).toBeGreaterThan(0);
    expect(replies.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(replies);
    for (const token of tokens) expect(text).not.toContain(token);
    expect(text).not.toMatch(/access_?token/i);
  });
});
