import { randomUUID } from 'node:crypto';
import { TenantDatabase } from '@crm/nest-common';
import { openRunDataSources, type RunDataSources } from '@crm/testing';
import { ReportFactsStore } from '../../reporting/report-facts.store';
import { emptyMeasures, type FactRow } from '../attribution-facts';
import { ReadModelStore } from '../read-model.store';

/**
 * The read model's version (migration 1768900000401) on the real PostgreSQL: every write to a table a report reads
 * gives the tenants it touched a new version, and only them; a statement that changes nothing changes no version.
 */

let data: RunDataSources;
let db: TenantDatabase;
const store = new ReadModelStore();
const facts = new ReportFactsStore();

const fact = (day: string, adId: string, leads: number): FactRow => ({
  view: 'period',
  day,
  adId,
  currency: '',
  ...emptyMeasures(),
  leads,
});

const versionOf = (tenantId: string) => db.withTenant(tenantId, (tx) => facts.version(tx, tenantId));

/** The versions of `tenants` before and after `write`: which changed. */
async function changedBy(tenants: string[], write: () => Promise<unknown>): Promise<boolean[]> {
  const before = await Promise.all(tenants.map(versionOf));
  await write();
  const after = await Promise.all(tenants.map(versionOf));
  return tenants.map((_, i) => after[i] !== before[i]);
}

beforeAll(async () => {
  data = await openRunDataSources();
  db = new TenantDatabase(data.app);
});

afterAll(async () => {
  await data?.close();
});

describe('read-model versions (statement triggers on every table a report reads)', () => {
  const tenant = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    for (const id of [tenant, other]) {
      await db.withTenant(id, (tx) => store.initTenant(tx, id, 'America/Mexico_City'));
      await db.withTenant(id, (tx) => store.addFacts(tx, id, [fact('2026-03-01', 'ad-1', 1)]));
    }
  });

  it("starts at '0' for a tenant without any row, and is a different value after each change", async () => {
    expect(await versionOf(randomUUID())).toBe('0');
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await db.withTenant(tenant, (tx) => store.addFacts(tx, tenant, [fact('2026-03-02', 'ad-1', 1)]));
      seen.add(await versionOf(tenant));
    }
    expect(seen.size).toBe(3);
    expect(seen.has('0')).toBe(false);
  });

  it.each([
    [
      'facts added (daily and both roll-ups)',
      (id: string) => db.withTenant(id, (tx) => store.addFacts(tx, id, [fact('2026-03-03', 'ad-2', 2)])),
    ],
    [
      'facts replaced (rebuild, re-bucketing)',
      (id: string) => db.withTenant(id, (tx) => store.replaceFacts(tx, id, [fact('2026-03-01', 'ad-1', 5)])),
    ],
    [
      'the timezone set',
      (id: string) => db.withTenant(id, (tx) => store.setTimezone(tx, id, 'Asia/Tokyo', false)),
    ],
    [
      'an exchange rate added',
      (id: string) =>
        db.withTenant(id, (tx) =>
          tx.query(
            `INSERT INTO marketing.fx_rates (tenant_id, day, from_currency, to_currency, rate) VALUES ($1, '2026-03-01', 'USD', 'MXN', 17)`,
            [id],
          ),
        ),
    ],
    [
      'an exchange rate changed',
      (id: string) =>
        db.withTenant(id, (tx) =>
          tx.query(`UPDATE marketing.fx_rates SET rate = 18 WHERE tenant_id = $1`, [id]),
        ),
    ],
    [
      'an exchange rate deleted',
      (id: string) =>
        db.withTenant(id, (tx) => tx.query(`DELETE FROM marketing.fx_rates WHERE tenant_id = $1`, [id])),
    ],
    [
      'only the monthly roll-up changed',
      (id: string) =>
        db.withTenant(id, (tx) =>
          tx.query(`UPDATE marketing.attribution_monthly SET leads = leads + 1 WHERE tenant_id = $1`, [id]),
        ),
    ],
    [
      'only the per-day totals changed',
      (id: string) =>
        db.withTenant(id, (tx) =>
          tx.query(`UPDATE marketing.attribution_day_totals SET leads = leads + 1 WHERE tenant_id = $1`, [
            id,
          ]),
        ),
    ],
    [
      'only daily rows deleted',
      (id: string) =>
        db.withTenant(id, (tx) =>
          tx.query(`DELETE FROM marketing.attribution_daily WHERE tenant_id = $1`, [id]),
        ),
    ],
  ])('%s: a new version for that tenant only', async (_, write) => {
    expect(await changedBy([tenant, other], () => write(tenant))).toEqual([true, false]);
  });

  it('a statement that changes no row changes no version', async () => {
    const nothing = await changedBy([tenant, other], async () => {
      await db.withTenant(tenant, (tx) => store.addFacts(tx, tenant, []));
      await db.withTenant(tenant, (tx) =>
        tx.query(`DELETE FROM marketing.fx_rates WHERE tenant_id = $1 AND day = '1999-01-01'`, [tenant]),
      );
      await db.withTenant(tenant, (tx) => store.initTenant(tx, tenant, 'UTC')); // ON CONFLICT DO NOTHING
    });
    expect(nothing).toEqual([false, false]);
  });

  it('one statement over several tenants gives each of them a new version', async () => {
    const both = await changedBy([tenant, other], () =>
      data.owner.transaction(async (tx) => {
        await tx.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
        await tx.query(
          `UPDATE marketing.attribution_day_totals SET refunds = refunds WHERE tenant_id = ANY($1::uuid[])`,
          [[tenant, other]],
        );
      }),
    );
    expect(both).toEqual([true, true]);
  });

  it('TRUNCATE, which names no tenant, is refused on every table a report reads', async () => {
    for (const table of [
      'attribution_daily',
      'attribution_monthly',
      'attribution_day_totals',
      'fx_rates',
      'read_model_tenants',
    ]) {
      await expect(data.owner.query(`TRUNCATE marketing.${table}`)).rejects.toThrow(
        /DELETE the rows instead/,
      );
    }
  });

  it('a tenant sees only its own version row (row-level security)', async () => {
    const rows: unknown[] = await db.withTenant(tenant, (tx) =>
      tx.query(`SELECT tenant_id FROM marketing.read_model_versions`),
    );
    expect(rows).toEqual([{ tenant_id: tenant }]);
  });
});
