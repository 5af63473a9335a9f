import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client } from 'pg';
import { freePort, startServiceProcess, type ServiceHandle } from '@crm/testing';
import {
  TEST_PASSWORD,
  connectDatabase,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts four service processes and the gateway, then seeds both tenants.
jest.setTimeout(120_000);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

/** Routes of the OpenAPI document this test does not call as tenant B, each with why. */
const EXCLUDED: Record<string, string> = {
  'POST /crm/auth/login': 'signs in: takes credentials, not ids; covered by gateway-auth',
  'POST /crm/auth/signup': 'creates a new tenant: takes no ids of another tenant',
  'POST /crm/auth/logout': "would end B's session for the calls after it",
  'POST /crm/auth/logout-everywhere':
    "would end every session of B's user for the calls after it (its own test: gateway-sessions.int-spec.ts)",
  'GET /crm/auth/meta/callback':
    "Meta's OAuth redirect: authenticated by a signed state, covered by gateway-meta-oauth",
  'GET /crm/marketing/automation/live':
    'a live SSE stream that never ends; tenant scoping covered by gateway-automation-live',
};

/** Fields a route's body needs beyond its required ones to get past validation to the data. */
const BODY_EXTRAS: Record<string, Record<string, unknown>> = {
  'POST /crm/chats/{leadId}/messages': { text: 'hola' },
};

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApi = {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components?: { schemas?: Record<string, Schema> };
};

describe('tenant isolation: every route of the OpenAPI document called as another tenant with our ids', () => {
  let services: ServiceHandle[];
  let gateway: TestGateway;
  let db: Client;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;
  let agentA: ReturnType<typeof request.agent>;
  let agentB: ReturnType<typeof request.agent>;
  /** A's ids by kind. */
  const ids: Record<string, string> = {};
  /** Strings only A's data contains. */
  const markers: string[] = [];
  const tag = randomBytes(4).toString('hex');

  const sameSite = (test: request.Test) =>
    test.set('Origin', gateway.baseUrl).set('Sec-Fetch-Site', 'same-origin').timeout(20_000);

  async function loginAs(tenant: SeededTenant) {
    const agent = request.agent(gateway.server);
    await sameSite(agent.post('/crm/auth/login'))
      .send({ email: tenant.users.ceo.email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  /** Every table with a `tenant_id` column, schema-qualified. */
  async function tenantTables(): Promise<string[]> {
    const { rows } = await db.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.columns
        WHERE column_name = 'tenant_id' AND table_schema NOT IN ('pg_catalog', 'information_schema')
          AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'
                             AND table_schema = columns.table_schema)
        ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  }

  /** A digest of A's rows in every tenant table (as the owner, so RLS does not hide anything). */
  async function snapshotA(): Promise<Record<string, string>> {
    const snapshot: Record<string, string> = {};
    for (const table of await tenantTables()) {
      const { rows } = await db.query<{ digest: string | null; n: string }>(
        `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS n
           FROM ${table} t WHERE tenant_id = $1`,
        [tenantA.tenantId],
      );
      snapshot[table] = `${rows[0]!.n}:${rows[0]!.digest ?? ''}`;
    }
    return snapshot;
  }

  beforeAll(async () => {
    db = await connectDatabase();
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      LOG_LEVEL: 'warn',
    };
    let gatewayHandle: TestGateway;
    [services, gatewayHandle] = await Promise.all([
      Promise.all([
        startCrmService(),
        startServiceProcess('marketing-service', { ...common, HTTP_PORT: String(await freePort()) }),
        startServiceProcess('automation-service', { ...common, HTTP_PORT: String(await freePort()) }),
        startServiceProcess('meta-ads-service', {
          ...common,
          HTTP_PORT: String(await freePort()),
          // Neither tenant is connected to Meta: nothing is ever sent there.
          META_GRAPH_URL: 'http://127.0.0.1:9',
          META_APP_ID: '1200000000000001',
          META_APP_SECRET: 'int-test-app-secret',
          TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        }),
      ]),
      startTestGateway(),
    ]);
    gateway = gatewayHandle;
    tenantA = await seedTenant(db, `Inmobiliaria A ${tag}`);
    tenantB = await seedTenant(db, 'Inmobiliaria B');
    [agentA, agentB] = await Promise.all([loginAs(tenantA), loginAs(tenantB)]);

    // A's data, made through the API.
    const leadName = `Lead Aislado ${tag}`;
    const phone = `+52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const lead = await sameSite(agentA.post('/crm/leads'))
      .send({ name: leadName, phone, leadSource: 'MANUAL' })
      .expect(201);
    ids.lead = lead.body.id;
    const saleLead = await sameSite(agentA.post('/crm/leads'))
      .send({
        name: `Cliente Aislado ${tag}`,
        phone: `${phone.slice(0, -1)}${(Number(phone.at(-1)) + 1) % 10}`,
        leadSource: 'MANUAL',
      })
      .expect(201);
    ids.saleLead = saleLead.body.id;
    const opportunity = await sameSite(agentA.post('/crm/opportunities'))
      .send({
        leadId: ids.lead,
        title: `Oportunidad Aislada ${tag}`,
        value: 12345,
        currency: 'MXN',
        deadline: '2026-12-02T18:00:00Z',
      })
      .expect(201);
    ids.opportunity = opportunity.body.id;
    const sale = await sameSite(agentA.post('/crm/sales'))
      .send({ leadId: ids.saleLead, amount: 4321.5, currency: 'MXN' })
      .expect(201);
    ids.sale = sale.body.id;
    const userEmail = `vendedor-aislado-${tag}@gateway.test`;
    const user = await sameSite(agentA.post('/crm/users'))
      .send({
        name: `Vendedor Aislado ${tag}`,
        email: userEmail,
        role: 'setter',
        password: 'ventas-2026-sol',
      })
      .expect(201);
    ids.user = user.body.id;
    const rule = await sameSite(agentA.post('/crm/marketing/automation/rules'))
      .send({ name: `Regla Aislada ${tag}`, trigger: { type: 'lead.created' } })
      .expect(201);
    ids.rule = rule.body.key;
    const fx = await sameSite(agentA.put('/crm/marketing/fx-rates'))
      .send({ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 18.1 })
      .expect(200);
    ids.fxRate = fx.body.id;
    const sessions = await agentA.get('/crm/auth/sessions').expect(200);
    ids.session = (sessions.body as { id: string; current: boolean }[]).find((s) => s.current)!.id;
    ids.tenant = tenantA.tenantId;
    for (const role of ['ceo', 'professional', 'setter', 'closer'] as const)
      ids[role] = tenantA.users[role].id;
    markers.push(tag, leadName, phone, phone.slice(1), userEmail, tenantA.name);
    for (const value of Object.values(ids)) expect(value).toEqual(expect.any(String));
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all((services ?? []).map((service) => service.stop()));
    await db?.end();
  });

  /** A's id for a path parameter, by the collection named before it. */
  function pathId(collection: string, name: string): string {
    if (name === 'key') return ids.rule!;
    if (name === 'leadId') return ids.lead!;
    const byCollection: Record<string, string | undefined> = {
      leads: ids.lead,
      chats: ids.lead,
      opportunities: ids.opportunity,
      sales: ids.sale,
      users: ids.user,
      rules: ids.rule,
      'fx-rates': ids.fxRate,
      sessions: ids.session,
    };
    return byCollection[collection] ?? randomUUID();
  }

  /** A's id for an `...Id` field of a query or body. */
  function fieldId(name: string): string | undefined {
    if (!/Id$/.test(name)) return undefined;
    if (/^(user|assignedUser|ownerUser|owner|seller|createdBy)Id$/.test(name)) return ids.user;
    if (name === 'opportunityId') return ids.opportunity;
    if (name === 'saleId') return ids.sale;
    if (name === 'tenantId') return ids.tenant;
    if (name === 'leadId') return ids.lead;
    return undefined;
  }

  /** A plausible value of a required field, so validation passes and the route reaches its data. */
  function sample(name: string, schema: Schema | undefined, inQuery = false): unknown {
    const byName: Record<string, string> = { from: '2026-12-01', to: '2026-12-08', lang: 'es' };
    if (inQuery && name in byName) return byName[name];
    if (!schema) return 'x';
    if (schema.example !== undefined) return schema.example;
    if (schema.enum?.length) return schema.enum[0];
    switch (schema.type) {
      case 'integer':
      case 'number':
        return 1;
      case 'boolean':
        return false;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return schema.format === 'date-time' ? '2026-12-01T00:00:00Z' : 'x';
    }
  }

  function resolve(document: OpenApi, schema: Schema | undefined): Schema | undefined {
    if (!schema?.$ref) return schema;
    return document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
  }

  function bodyFor(document: OpenApi, route: string, operation: Operation): Record<string, unknown> {
    const schema = resolve(document, operation.requestBody?.content?.['application/json']?.schema);
    const body: Record<string, unknown> = { ...BODY_EXTRAS[route] };
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      const id = fieldId(name);
      if (id) body[name] = id;
      else if (schema?.required?.includes(name)) body[name] = sample(name, resolve(document, property));
    }
    return body;
  }

  it('answers B with no 5xx and none of A’s ids or strings, leaves A’s rows unchanged; the RLS backstop holds', async () => {
    const document = (await agentB.get('/api/docs-json').expect(200)).body as OpenApi;
    // A's data settles first: projections fed by events (marketing's read model, automation's schedule) catch up
    // asynchronously, and a row they write after this point is not something B did.
    let before = await snapshotA();
    for (let settled = 0, rounds = 0; settled < 2 && rounds < 20; rounds++) {
      await new Promise((resolve) => setTimeout(resolve, 750));
      const again = await snapshotA();
      settled = JSON.stringify(again) === JSON.stringify(before) ? settled + 1 : 0;
      before = again;
    }
    const routes: string[] = [];
    const problems: string[] = [];
    let calls = 0;

    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const route = `${method.toUpperCase()} ${path}`;
        routes.push(route);
        if (route in EXCLUDED) continue;

        const segments = path.split('/');
        const url = segments
          .map((segment, i) => {
            const param = /^\{(.+)\}$/.exec(segment)?.[1];
            return param ? pathId(segments[i - 1] ?? '', param) : segment;
          })
          .join('/');
        const query: Record<string, unknown> = {};
        const idQuery: Record<string, unknown> = {};
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in !== 'query') continue;
          const id = fieldId(parameter.name);
          if (id) idQuery[parameter.name] = id;
          else if (parameter.required) query[parameter.name] = sample(parameter.name, parameter.schema, true);
        }
        const variants = [query, ...(Object.keys(idQuery).length ? [{ ...query, ...idQuery }] : [])];
        const body =
          method === 'get' || method === 'delete' ? undefined : bodyFor(document, route, operation);

        for (const variant of variants) {
          calls++;
          let test = sameSite(agentB[method](url)).query(variant as Record<string, string>);
          if (body) test = test.send(body);
          const response = await test;
          const sent = JSON.stringify([url, variant, body ?? null]);
          const text = response.text ?? '';
          if (response.status >= 500) problems.push(`${route}: ${response.status} ${text.slice(0, 200)}`);
          // An id B itself sent may be echoed in an error message: that tells B nothing.
          for (const value of [...Object.values(ids), ...markers]) {
            if (!sent.includes(value) && text.includes(value))
              problems.push(`${route}: answer contains ${value}`);
          }
          if (
            response.status < 300 &&
            method !== 'get' &&
            Object.values(ids).some((id) => sent.includes(id))
          ) {
            problems.push(`${route}: ${response.status} to a write naming A's ids`);
          }
        }
      }
    }

    expect(problems).toEqual([]);
    // Nothing left out silently: every route is exercised or excluded, and every exclusion still exists.
    for (const route of Object.keys(EXCLUDED)) expect(routes).toContain(route);
    expect(routes.length).toBeGreaterThan(80);
    expect(calls).toBeGreaterThanOrEqual(routes.length - Object.keys(EXCLUDED).length);
    expect(await snapshotA()).toEqual(before);

    // The checks can fail: A, asking the same way, gets its ids and strings back.
    expect((await agentA.get(`/crm/leads/${ids.lead}`).expect(200)).text).toContain(markers[1]);
    expect((await agentA.get('/crm/users').expect(200)).text).toContain(markers[4]);
    expect((await agentA.get('/crm/agenda').query({ from: '2026-12-01', to: '2026-12-08' })).text).toContain(
      ids.opportunity,
    );
    expect((await agentA.get('/crm/clients').expect(200)).text).toContain(ids.saleLead);
    expect((await agentA.get('/crm/auth/sessions').expect(200)).text).toContain(ids.session);
    await agentB.get(`/crm/leads/${ids.lead}`).expect(404);

    // Row-level security: the app role with B's tenant set sees none of A's rows in any tenant table.
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThan(10);
    const app = new Client({ connectionString: process.env.DATABASE_URL! });
    await app.connect();
    try {
      const countAs = async (tenantId: string, table: string): Promise<number> => {
        await app.query('BEGIN');
        try {
          await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
          const { rows } = await app.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`,
            [tenantA.tenantId],
          );
          return Number(rows[0]!.n);
        } finally {
          await app.query('ROLLBACK');
        }
      };
      // Every tenant table the app role can read has RLS enabled and forced (so it holds even for rows A has
      // none of yet); the ones it cannot read at all (e.g. crm.lead_search, reached through SECURITY DEFINER
      // functions only) are closed to it anyway.
      const { rows: flags } = await db.query<{
        name: string;
        rls: boolean;
        forced: boolean;
        readable: boolean;
      }>(
        `SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                has_table_privilege($1, c.oid, 'SELECT') AS readable
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname || '.' || c.relname = ANY($2)`,
        [new URL(process.env.DATABASE_URL!).username, tables],
      );
      expect(flags).toHaveLength(tables.length);
      expect(
        flags.filter((table) => table.readable && !(table.rls && table.forced)).map((t) => t.name),
      ).toEqual([]);
      const readable = flags.filter((table) => table.readable).map((table) => table.name);
      expect(readable.length).toBeGreaterThan(10);
      const leaks: Record<string, number> = {};
      for (const table of readable) {
        const n = await countAs(tenantB.tenantId, table);
        if (n !== 0) leaks[table] = n;
      }
      expect(leaks).toEqual({});
      // The backstop is measuring something: as A, the same query finds A's leads.
      expect(await countAs(tenantA.tenantId, 'crm.leads')).toBe(2);
    } finally {
      await app.end();
    }
  });
});
