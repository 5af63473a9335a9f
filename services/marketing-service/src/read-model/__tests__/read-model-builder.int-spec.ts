import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Events, Rpc, parseJsonText } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ownerDatabaseUrl, RpcTestClient, waitFor, type ServiceHandle } from '@crm/testing';
import { Client } from 'pg';
import { startCrmAndMetaAds, startMarketingInProcess } from '../../__tests__/marketing-test-support';
import { ReadModelBuilder } from '../read-model.builder';
import { ReadModelService } from '../read-model.service';

/**
 * The first build of a tenant's read model, off the report path and once across replicas: two marketing-service
 * instances (in-process, the same NATS queue group and database) against the REAL crm-service and meta-ads-service.
 * CRM data is written straight into crm's tables (as a seed or a restored backup does: no events), so only a
 * rebuild can bring it into the read model.
 */

const NATS_URL = process.env.NATS_URL!;
const TZ = 'America/Mexico_City';
/** Small numbers so the tests are quick: a tenant over 5 leads is "large". */
const INLINE_MAX = 5;
const PAGE_SIZE = 2;

// The beforeAll, without a timeout of its own, starts two service processes and two marketing replicas.
jest.setTimeout(120_000);

let crm: ServiceHandle;
let metaAds: ServiceHandle;
let replicas: INestApplication[] = [];
let rpc: RpcTestClient;
let jetstream: JetStreamService;
let db: Client;
let counter = 0;
const phone = () => `+52155${String(++counter).padStart(8, '0')}`;

async function seedTenant(leads: number): Promise<string> {
  const tenantId = randomUUID();
  await db.query(
    `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Builder IT', 'MXN', $2)`,
    [tenantId, TZ],
  );
  for (let i = 0; i < leads; i++) {
    const { rows } = await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, meta_ad_id, created_at)
       VALUES ($1, 'Lead', $2, 'META_ADS', 'ad-1', now() - interval '2 days') RETURNING id`,
      [tenantId, phone()],
    );
    if (i % 3 === 0) {
      await db.query(
        `INSERT INTO crm.sales_transactions (tenant_id, lead_id, amount, currency, status, completed_at)
         VALUES ($1, $2, 100.5, 'MXN', 'completed', now() - interval '1 day')`,
        [tenantId, (rows[0] as { id: string }).id],
      );
    }
  }
  return tenantId;
}

/** Leads and completed sales in the read model's cohort facts. */
async function readModelTotals(tenantId: string): Promise<{ leads: number; sales: number }> {
  const { rows } = await db.query(
    `SELECT coalesce(sum(leads), 0)::int AS leads, coalesce(sum(sales), 0)::int AS sales
       FROM marketing.attribution_daily WHERE tenant_id = $1 AND view = 'cohort'`,
    [tenantId],
  );
  return rows[0] as { leads: number; sales: number };
}

async function rebuiltAt(tenantId: string): Promise<Date | null> {
  const { rows } = await db.query(
    `SELECT rebuilt_at FROM marketing.read_model_tenants WHERE tenant_id = $1`,
    [tenantId],
  );
  return (rows[0] as { rebuilt_at: Date | null } | undefined)?.rebuilt_at ?? null;
}

/** Calls of `rebuild` for the tenant, over both replicas. */
function rebuildsOf(spies: jest.SpyInstance[], tenantId: string): number {
  return spies.reduce((n, spy) => n + spy.mock.calls.filter((call) => call[0] === tenantId).length, 0);
}

function startReplica(): Promise<INestApplication> {
  return startMarketingInProcess({
    REBUILD_PAGE_SIZE: PAGE_SIZE,
    READ_MODEL_INLINE_BUILD_MAX_LEADS: INLINE_MAX,
    READ_MODEL_BUILD_POLL_MS: 500,
    JETSTREAM_BACKOFF_BASE_MS: 100,
    JETSTREAM_BACKOFF_MAX_MS: 1000,
  });
}

let spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  db = new Client({ connectionString: ownerDatabaseUrl() });
  await db.connect();
  ({ crm, metaAds } = await startCrmAndMetaAds({
    // Never called: these tenants are not connected to Meta.
    graphUrl: 'http://127.0.0.1:9',
    appId: '1',
    appSecret: 'builder-int-spec',
  }));
  replicas = [await startReplica(), await startReplica()];
  spies = replicas.map((app) => jest.spyOn(app.get(ReadModelService), 'rebuild'));
  rpc = new RpcTestClient(NATS_URL);
  jetstream = new JetStreamService();
  await jetstream.connect(NATS_URL, 'read-model-builder-int-spec');
});

afterAll(async () => {
  await jetstream?.onApplicationShutdown();
  await rpc?.close();
  await Promise.allSettled(replicas.map((app) => app.close()));
  await Promise.allSettled([crm?.stop(), metaAds?.stop()]);
  await db?.end();
});

describe('the read model is first built in the background, once across replicas', () => {
  it('builds a tenant with CRM data and no read model without any report request, in one replica', async () => {
    const tenantId = await seedTenant(7);
    // Its first event (a Lead Ads lead) makes it known to the read model; the 7 seeded leads came without events.
    const leadgenId = `${Date.now()}${++counter}`;
    await jetstream.publish(
      Events.leadgenReceived,
      {
        tenantId,
        leadgenId,
        pageId: '1000',
        createdTime: new Date().toISOString(),
        fullName: 'From Lead Ads',
        phone: phone(),
      },
      `leadgen:${leadgenId}`,
    );
    await waitFor(async () => (await rebuiltAt(tenantId)) !== null, {
      timeoutMs: 30_000,
      what: 'the background build',
    });
    await waitFor(async () => (await readModelTotals(tenantId)).leads === 8, {
      timeoutMs: 10_000,
      what: 'all 8 leads in the read model',
    });
    expect(await readModelTotals(tenantId)).toEqual({ leads: 8, sales: 3 });
    expect(rebuildsOf(spies, tenantId)).toBe(1);
    const { rows } = await db.query(
      `SELECT lease_owner, build_leads_read FROM marketing.read_model_tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows[0]).toEqual({ lease_owner: null, build_leads_read: 8 });
  });

  it('two replicas claiming the same never-built tenant at once build it once', async () => {
    const tenantId = await seedTenant(4);
    // Known to the read model, never built: due for both replicas at once (their own polls may join the race).
    await db.query(`INSERT INTO marketing.read_model_tenants (tenant_id, timezone) VALUES ($1, $2)`, [
      tenantId,
      TZ,
    ]);
    await Promise.all(replicas.map((app) => app.get(ReadModelBuilder).buildPending()));
    await waitFor(async () => (await rebuiltAt(tenantId)) !== null, { what: 'the build' });
    expect(rebuildsOf(spies, tenantId)).toBe(1);
    expect(await readModelTotals(tenantId)).toEqual({ leads: 4, sales: 2 });
  });

  it('a large tenant’s first report answers REPORT_PREPARING with progress, then the right numbers once built', async () => {
    const tenantId = await seedTenant(12);
    const request = { tenantId, preset: 'last_7d' as const, view: 'cohort' as const };
    await expect(rpc.call(Rpc.marketing.report, request)).rejects.toMatchObject({
      code: 'REPORT_PREPARING',
      details: { retryAfterSeconds: 5, leadsRead: expect.any(Number) },
    });
    // The build goes on without the request.
    await waitFor(async () => (await rebuiltAt(tenantId)) !== null, { what: 'the build after the report' });
    const report = parseJsonText(await rpc.call(Rpc.marketing.report, request));
    expect(report.kpis).toMatchObject({ leads: 12, sales: 4, revenue: 402 });
    expect(rebuildsOf(spies, tenantId)).toBe(1);
  });

  it('a small tenant’s first report is built inline and answered at once', async () => {
    const tenantId = await seedTenant(3);
    const report = parseJsonText(
      await rpc.call(Rpc.marketing.report, { tenantId, preset: 'last_7d', view: 'cohort' }),
    );
    expect(report.kpis).toMatchObject({ leads: 3, sales: 1 });
    expect(await rebuiltAt(tenantId)).not.toBeNull();
  });
});
