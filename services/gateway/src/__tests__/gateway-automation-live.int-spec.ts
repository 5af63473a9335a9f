import { randomUUID } from 'node:crypto';
import http from 'node:http';
import request from 'supertest';
import type { AutomationLiveEvent, AutomationLogView, AutomationMetricsV2, Page, Role } from '@crm/contracts';
import { freePort, startServiceProcess, waitFor, type ServiceHandle } from '@crm/testing';
import type { Client } from 'pg';
import { LIVE_LIMITS } from '../automation/automation-live.controller';
import { SESSION_COOKIE } from '../auth/session';
import {
  TEST_PASSWORD,
  connectDatabase,
  cookieFrom,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts two service processes and the gateway.
jest.setTimeout(120_000);

type OpenStream = {
  status: number;
  contentType: string | undefined;
  /** Raw `event:` names in arrival order. */
  kinds: string[];
  sends: AutomationLiveEvent[];
  ended: Promise<void>;
  close: () => void;
};

/** A raw SSE client: parses `event:`/`data:` blocks as a browser's EventSource would. */
function openStream(baseUrl: string, cookie: string | undefined): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${baseUrl}/crm/marketing/automation/live`,
      { headers: cookie ? { cookie } : {} },
      (res) => {
        let buffer = '';
        let resolveEnded!: () => void;
        const stream: OpenStream = {
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          kinds: [],
          sends: [],
          ended: new Promise((done) => (resolveEnded = done)),
          close: () => req.destroy(),
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const kind = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (!kind) continue;
            stream.kinds.push(kind);
            if (kind === 'send' && data) stream.sends.push(JSON.parse(data) as AutomationLiveEvent);
          }
        });
        res.on('end', () => resolveEnded());
        res.on('close', () => resolveEnded());
        resolve(stream);
      },
    );
    req.on('error', reject);
  });
}

describe('gateway: the automation live log (SSE) and funnels, with crm-service and automation-service', () => {
  let gateway: TestGateway;
  let crm: ServiceHandle;
  let automation: ServiceHandle;
  let db: Client;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    db = await connectDatabase();
    [tenantA, tenantB] = [await seedTenant(db, 'Live A'), await seedTenant(db, 'Live B')];
    [crm, automation, gateway] = await Promise.all([
      startCrmService(),
      (async () =>
        startServiceProcess('automation-service', {
          HTTP_PORT: String(await freePort()),
          DATABASE_URL: process.env.DATABASE_URL!,
          NATS_URL: process.env.NATS_URL!,
          LOG_LEVEL: 'warn',
          SCHEDULER_POLL_MS: '60000',
        }))(),
      startTestGateway(),
    ]);
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await gateway?.close();
    await automation?.stop();
    await crm?.stop();
    await db?.end();
  });

  async function cookieOf(tenant: SeededTenant, role: Role): Promise<string> {
    const response = await request(gateway.server)
      .post('/crm/auth/login')
      .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return cookieFrom(response.headers['set-cookie'], SESSION_COOKIE)!.split(';')[0];
  }

  async function open(cookie: string | undefined): Promise<OpenStream> {
    const stream = await openStream(gateway.baseUrl, cookie);
    streams.push(stream);
    return stream;
  }

  /** A send and its first history row, committed in the automation schema as automation-service would. */
  async function recordTransition(tenantId: string, status = 'scheduled'): Promise<string> {
    const sendId = randomUUID();
    await db.query(
      `INSERT INTO automation.sends (id, tenant_id, rule_key, lead_id, phone, status, due_at)
       VALUES ($1, $2, 'lead_followup', $3, '+5215512345678', $4, now())`,
      [sendId, tenantId, randomUUID(), status],
    );
    await db.query(
      `INSERT INTO automation.send_events (send_id, tenant_id, status, detail) VALUES ($1, $2, $3, NULL)`,
      [sendId, tenantId, status],
    );
    return sendId;
  }

  it("pushes a committed transition to its tenant's streams only", async () => {
    const a = await open(await cookieOf(tenantA, 'ceo'));
    const b = await open(await cookieOf(tenantB, 'ceo'));
    expect(a.status).toBe(200);
    expect(a.contentType).toMatch(/^text\/event-stream/);
    await waitFor(() => a.kinds.includes('ready') && b.kinds.includes('ready'), {
      what: 'both streams ready',
    });

    const sendId = await recordTransition(tenantA.tenantId);
    await waitFor(() => a.sends.length === 1, { what: "the event on A's stream" });
    expect(a.sends[0]).toMatchObject({ tenantId: tenantA.tenantId, sendId, status: 'scheduled' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(b.sends).toEqual([]);
    expect(a.sends).toHaveLength(1);
    a.close();
    b.close();
  });

  it('needs a session and the automation role (stream and funnels)', async () => {
    const anonymous = await open(undefined);
    expect(anonymous.status).toBe(401);
    const setterCookie = await cookieOf(tenantA, 'setter');
    const setter = await open(setterCookie);
    expect(setter.status).toBe(403);
    await request(gateway.server)
      .get('/crm/marketing/automation/metrics/funnels')
      .set('Cookie', setterCookie)
      .expect(403);
    await request(gateway.server).get('/crm/marketing/automation/metrics/funnels').expect(401);
  });

  it('limits the streams one user may hold open, and frees a slot when one closes', async () => {
    const cookie = await cookieOf(tenantB, 'ceo');
    const held: OpenStream[] = [];
    for (let i = 0; i < LIVE_LIMITS.perUser; i += 1) held.push(await open(cookie));
    expect(held.map((stream) => stream.status)).toEqual(held.map(() => 200));
    const refused = await open(cookie);
    expect(refused.status).toBe(429);
    held[0].close();
    await waitFor(
      async () => {
        const again = await open(cookie);
        again.close();
        return again.status === 200;
      },
      { what: 'a slot freed by the closed stream' },
    );
    for (const stream of held) stream.close();
  });

  it('answers the funnels in the tenant timezone and refuses a bad query with 400', async () => {
    // 03:00 UTC on 3 March is 2 March in the seeded tenant's America/Mexico_City.
    await db.query(
      `INSERT INTO automation.sends (tenant_id, rule_key, lead_id, phone, template_name, status, due_at, sent_at)
       VALUES ($1, 'lead_followup', $2, '+5215512345678', 'seguimiento_lead', 'sent', $3, $3)`,
      [tenantB.tenantId, randomUUID(), new Date('2026-03-03T03:00:00Z')],
    );
    const cookie = await cookieOf(tenantB, 'ceo');
    const metrics = (
      await request(gateway.server)
        .get('/crm/marketing/automation/metrics/funnels')
        .set('Cookie', cookie)
        .query({ from: '2026-03-01T06:00:00.000Z', to: '2026-03-05T06:00:00.000Z', conversionDays: 3 })
        .expect(200)
    ).body as AutomationMetricsV2;
    expect(metrics.conversionDays).toBe(3);
    expect(metrics.total).toMatchObject({ queued: 1, sent: 1, delivered: { count: 0, rate: 0 } });
    expect(metrics.daily.filter((point) => point.sent > 0).map((point) => point.day)).toEqual(['2026-03-02']);
    expect(metrics.daily[0].day).toBe('2026-03-01');
    await request(gateway.server)
      .get('/crm/marketing/automation/metrics/funnels')
      .set('Cookie', cookie)
      .query({ conversionDays: 0 })
      .expect(400);
  });

  it('filters the log by a day in the tenant timezone, pages within it, and refuses a bad date with 400', async () => {
    const tenant = await seedTenant(db, 'Log days');
    const send = async (name: string, at: string, sent: boolean) =>
      db.query(
        `INSERT INTO automation.sends (tenant_id, rule_key, lead_id, lead_name, phone, status, due_at, sent_at)
         VALUES ($1, 'lead_followup', $2, $3, '+5215512345678', $4, $5, $6)`,
        [
          tenant.tenantId,
          randomUUID(),
          name,
          sent ? 'sent' : 'scheduled',
          new Date(at),
          sent ? new Date(at) : null,
        ],
      );
    // America/Mexico_City is UTC-6: 2 March runs from 06:00 UTC on 2 March to 06:00 UTC on 3 March.
    await send('2 March, morning', '2026-03-02T15:00:00Z', true);
    await send('2 March, late evening', '2026-03-03T05:30:00Z', true); // still 2 March in Mexico (23:30)
    await send('2 March, due', '2026-03-02T07:00:00Z', false);
    await send('3 March, early', '2026-03-03T06:30:00Z', true); // 00:30 on 3 March in Mexico
    await send('1 March, late', '2026-03-02T05:00:00Z', true); // 23:00 on 1 March in Mexico
    const cookie = await cookieOf(tenant, 'ceo');
    const logs = async (query: Record<string, string | number>) =>
      (
        await request(gateway.server)
          .get('/crm/marketing/automation-logs')
          .set('Cookie', cookie)
          .query(query)
          .expect(200)
      ).body as Page<AutomationLogView>;
    const names = (page: Page<AutomationLogView>) => page.items.map((item) => item.leadName).sort();

    expect((await logs({})).total).toBe(5);
    const march2 = await logs({ day: '2026-03-02' });
    expect(march2.total).toBe(3);
    expect(names(march2)).toEqual(['2 March, due', '2 March, late evening', '2 March, morning']);
    expect(names(await logs({ day: '2026-03-03' }))).toEqual(['3 March, early']);
    expect(names(await logs({ day: '2026-03-01' }))).toEqual(['1 March, late']);
    expect(names(await logs({ day: '2026-03-02', status: 'scheduled' }))).toEqual(['2 March, due']);

    // Paging stays within the day: two pages of 2 and 1, no send twice, none of another day.
    const first = await logs({ day: '2026-03-02', pageSize: 2, page: 1 });
    const second = await logs({ day: '2026-03-02', pageSize: 2, page: 2 });
    expect([first.items.length, second.items.length, first.total, second.total]).toEqual([2, 1, 3, 3]);
    expect([...names(first), ...names(second)].sort()).toEqual(names(march2));

    // The caller cannot choose the timezone: the tenant's is used.
    expect(names(await logs({ day: '2026-03-03', timezone: 'UTC' }))).toEqual(['3 March, early']);

    for (const day of ['2026-02-30', '02/03/2026', '2026-3-2', 'yesterday']) {
      const refused = await request(gateway.server)
        .get('/crm/marketing/automation-logs')
        .set('Cookie', cookie)
        .query({ day })
        .expect(400);
      expect(refused.body.message).toMatch(/day must be a calendar date written YYYY-MM-DD/);
    }
  });
});
