import { LIST_TOTAL_CAP, Rpc } from '@crm/contracts';
import { appDatabaseUrl, ownerDatabaseUrl } from '@crm/testing';
import { Client } from 'pg';
import { LeadTags1768900000195 } from '../database/migrations/1768900000195-LeadTags';
import { createTestTenant, startCrmTestApp, type CrmTestApp, type TestTenant } from './crm-test-app';

const TAGS = ['vip', 'norte', 'sur', 'feria', 'contado'];
const LEADS = 600;

/** A fixed-seed generator (mulberry32): the same "random" tenant on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `crm.count_tagged_leads` reads `crm.lead_tags` (1768900000195), which the statement triggers on `crm.leads` keep:
 * after inserts, tag changes and deletes its counts must be what plain SQL on `crm.leads` counts, for the tenant in
 * `app.tenant_id` only, up to the cap.
 */
describe('crm-service: tag counts from crm.lead_tags', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const app = new Client({ connectionString: appDatabaseUrl(ownerDatabaseUrl()) });
  const random = seededRandom(195);
  const someTags = () => TAGS.filter(() => random() < 0.3);

  beforeAll(async () => {
    crm = await startCrmTestApp();
    await app.connect();
    tenant = await createTestTenant(crm.db, 'Etiquetas al azar');
    other = await createTestTenant(crm.db, 'Otra');
    for (const { tenantId } of [tenant, other]) {
      await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, tags)
         SELECT $1, 'Cliente ' || g, '+52177' || lpad(g::text, 8, '0'), 'MANUAL',
                ARRAY(SELECT jsonb_array_elements_text($2::jsonb -> (g - 1)))
           FROM generate_series(1, $3::int) g`,
        [tenantId, JSON.stringify(Array.from({ length: LEADS }, someTags)), LEADS],
      );
    }
  });

  afterAll(async () => {
    await app.end();
    await crm.close();
  });

  /** The function as the service calls it: the app role, the tenant in `app.tenant_id` (or none). */
  const counted = async (tenantId: string | null, tag: string, cap = LIST_TOTAL_CAP): Promise<number> => {
    await app.query('BEGIN');
    try {
      if (tenantId) await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const { rows } = await app.query<{ n: number }>(`SELECT crm.count_tagged_leads($1, $2) AS n`, [
        tag,
        cap,
      ]);
      return rows[0]!.n;
    } finally {
      await app.query('ROLLBACK');
    }
  };
  /** Plain SQL on crm.leads, as the owner. */
  const expected = async (tenantId: string, tag: string): Promise<number> => {
    const [row]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.leads WHERE tenant_id = $1 AND tags @> ARRAY[$2::text]`,
      [tenantId, tag],
    );
    return row!.n;
  };
  /** Each tag's count, one at a time (`counted` runs a transaction on its one connection). */
  const countsOf = async (count: (tag: string) => Promise<number>): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const tag of TAGS) counts[tag] = await count(tag);
    return counts;
  };
  const expectCountsAsSql = async () => {
    for (const { tenantId } of [tenant, other]) {
      const sql = await countsOf((tag) => expected(tenantId, tag));
      expect(Object.values(sql).every((n) => n > 0)).toBe(true);
      expect(await countsOf((tag) => counted(tenantId, tag))).toEqual(sql);
    }
  };

  it("counts each tag as plain SQL does, the tenant's own leads only, none without app.tenant_id", async () => {
    await expectCountsAsSql();
    expect(await counted(null, 'vip')).toBe(0);
    expect(await counted(tenant.tenantId, 'ninguna')).toBe(0);
  });

  it('follows tags added, changed and removed, and leads deleted', async () => {
    const rows: { id: string }[] = await crm.db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 ORDER BY id`,
      [tenant.tenantId],
    );
    const ids = rows.map((row) => row.id);
    // New tags for a random third (some gain, some lose, some keep theirs in another order, some end with none),
    // in one statement as an import's or a bulk edit's would be.
    const changes = ids.filter(() => random() < 0.33).map((id) => ({ id, tags: someTags().reverse() }));
    await crm.db.query(
      `UPDATE crm.leads l SET tags = ARRAY(SELECT jsonb_array_elements_text(c.value -> 'tags'))
         FROM jsonb_array_elements($1::jsonb) c WHERE l.id = (c.value ->> 'id')::uuid`,
      [JSON.stringify(changes)],
    );
    // A lead whose other columns change keeps its tags.
    await crm.db.query(`UPDATE crm.leads SET status = 'contactado' WHERE id = ANY($1::uuid[])`, [
      ids.slice(0, 50),
    ]);
    // Tags that repeat (never sent by the API) count once.
    await crm.db.query(`UPDATE crm.leads SET tags = ARRAY['vip', 'vip', 'sur'] WHERE id = $1`, [ids[1]]);
    await crm.db.query(`DELETE FROM crm.leads WHERE id = ANY($1::uuid[])`, [
      ids.filter(() => random() < 0.1),
    ]);
    await expectCountsAsSql();
  });

  it('stops one past the cap', async () => {
    const vip = await expected(tenant.tenantId, 'vip');
    expect(vip).toBeGreaterThan(2);
    expect(await counted(tenant.tenantId, 'vip', vip)).toBe(vip);
    expect(await counted(tenant.tenantId, 'vip', vip - 1)).toBe(vip);
    expect(await counted(tenant.tenantId, 'vip', vip - 2)).toBe(vip - 1);
    const page = await crm.rpc.call(Rpc.crm.listLeads, {
      tenantId: tenant.tenantId,
      viewer: { userId: tenant.users.ceo.id, role: 'ceo' },
      pageSize: 20,
      tag: 'vip',
    });
    expect(page).toMatchObject({ total: vip, totalCapped: false });
  });

  it("a deleted tenant's tags leave with it", async () => {
    await crm.db.query(`DELETE FROM crm.tenants WHERE id = $1`, [other.tenantId]);
    const [left]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.lead_tags WHERE tenant_id = $1`,
      [other.tenantId],
    );
    expect(left!.n).toBe(0);
  });

  it('migrates down and up again: the backfill rebuilds the same counts', async () => {
    const before = await countsOf((tag) => expected(tenant.tenantId, tag));
    const runner = crm.db.createQueryRunner();
    const migration = new LeadTags1768900000195();
    const inTransaction = async (tag: string): Promise<number> => {
      const [row]: { n: number }[] = await runner.query(`SELECT crm.count_tagged_leads($1, $2) AS n`, [
        tag,
        LIST_TOTAL_CAP,
      ]);
      return row!.n;
    };
    await runner.startTransaction();
    try {
      await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.tenantId]);
      await migration.down(runner);
      const [gone]: { table: string | null }[] = await runner.query(
        `SELECT to_regclass('crm.lead_tags') AS table`,
      );
      expect(gone!.table).toBeNull();
      // 1768900000190's count, from crm.lead_search's tags.
      expect(await countsOf(inTransaction)).toEqual(before);
      await migration.up(runner);
      expect(await countsOf(inTransaction)).toEqual(before);
    } finally {
      // Leaves the run's database as the migrations made it.
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
