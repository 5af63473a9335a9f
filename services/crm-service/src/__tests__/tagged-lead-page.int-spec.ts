import { Rpc, type LeadSort, type ListLeadsRequest } from '@crm/contracts';
import { appDatabaseUrl, ownerDatabaseUrl } from '@crm/testing';
import { Client } from 'pg';
import { TaggedLeadPage1768900000197 } from '../database/migrations/1768900000197-TaggedLeadPage';
import { decodeCursor, searchPatterns, STAGE_RANK_SQL, TAGGED_ID_LIMIT } from '../leads/lead-list-query';
import { createTestTenant, startCrmTestApp, type CrmTestApp, type TestTenant } from './crm-test-app';

// More leads carry 'densa' than TAGGED_ID_LIMIT (the list walks its order for it); 'rara' is on 10 (read by id).
const LEADS = 6000;
const DENSE_WHERE = 'g % 7 <> 0';
const RARE_WHERE = 'g % 599 = 17';

const ORDER: Record<LeadSort, string> = {
  newest: 'l.created_at DESC, l.id DESC',
  oldest: 'l.created_at, l.id',
  name: 'l.name, l.id',
  status: `${STAGE_RANK_SQL}, l.created_at DESC, l.id DESC`,
};

/** A case of the filters table: the tag with a search, and the plain SQL condition and parameters it stands for. */
function searchCase(
  tag: string,
  term: string,
): [string, string, Partial<ListLeadsRequest>, string, () => unknown[]] {
  return [
    tag,
    'a search',
    { search: term },
    '(l.name ILIKE $3 OR l.email ILIKE $3 OR l.phone ILIKE $4)',
    () => {
      const patterns = searchPatterns(term)!;
      return [patterns.text, patterns.phone];
    },
  ];
}

/**
 * A tag-filtered lead list reads the leads of a rare tag by the ids `crm.tagged_lead_ids` finds in `crm.lead_tags`
 * (1768900000197): its pages, followed by cursor to the end, must be exactly what plain SQL on `crm.leads` gives, in
 * every order, with the other filters, for a rare and for a common tag, while tags and creation times change, and
 * never with another tenant's leads.
 */
describe('crm-service: tag-filtered lead pages from crm.lead_tags', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const app = new Client({ connectionString: appDatabaseUrl(ownerDatabaseUrl()) });

  beforeAll(async () => {
    crm = await startCrmTestApp();
    await app.connect();
    tenant = await createTestTenant(crm.db, 'Etiquetas raras');
    other = await createTestTenant(crm.db, 'Otra');
    // Four leads per creation instant (ties broken by id), names shared by 120 leads each (ties broken by id); the
    // other tenant's leads carry the same tags at the same instants.
    for (const [{ tenantId, users }, count] of [
      [tenant, LEADS],
      [other, 1200],
    ] as const) {
      await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, assigned_user_id, tags, created_at)
         SELECT $1, 'Cliente ' || (g % 50), '+52166' || lpad(g::text, 8, '0'), 'cliente' || g || '@correo.example',
                (ARRAY['nuevo', 'contactado', 'calificado'])[1 + g % 3],
                CASE WHEN g % 2 = 0 THEN 'META_ADS' ELSE 'WEBSITE' END,
                CASE WHEN g % 4 = 0 THEN $3::uuid ELSE $4::uuid END,
                ARRAY_REMOVE(ARRAY[CASE WHEN ${DENSE_WHERE} THEN 'densa' END, CASE WHEN ${RARE_WHERE} THEN 'rara' END],
                             NULL),
                timestamptz '2026-01-01' + make_interval(secs => g / 4)
           FROM generate_series(1, $2::int) g`,
        [tenantId, count, users.setter.id, users.closer.id],
      );
    }
  });

  afterAll(async () => {
    await app.end();
    await crm.close();
  });

  const list = (query: Partial<ListLeadsRequest>) =>
    crm.rpc.call(Rpc.crm.listLeads, {
      tenantId: tenant.tenantId,
      viewer: { userId: tenant.users.ceo.id, role: 'ceo' },
      ...query,
    });

  /** Every page from the first (or from `cursor`) to the end: the ids in order, and the first page's total. */
  const pageThrough = async (query: Partial<ListLeadsRequest>) => {
    const ids: string[] = [];
    let page = await list(query);
    const total = page.total;
    ids.push(...page.items.map((lead) => lead.id));
    while (page.nextCursor) {
      page = await list({ ...query, cursor: page.nextCursor });
      ids.push(...page.items.map((lead) => lead.id));
    }
    return { ids, total };
  };

  /**
   * Plain SQL on crm.leads as the owner (or on `db`, a transaction of the owner's): the tenant's leads with `tag` and
   * `where`, in the sort's order.
   */
  const expected = async (
    tag: string,
    sort: LeadSort,
    where = 'true',
    params: unknown[] = [],
    db: { query: CrmTestApp['db']['query'] } = crm.db,
  ) => {
    const rows: { id: string }[] = await db.query(
      `SELECT l.id FROM crm.leads l
        WHERE l.tenant_id = $1 AND l.tags @> ARRAY[$2::text] AND ${where} ORDER BY ${ORDER[sort]}`,
      [tenant.tenantId, tag, ...params],
    );
    return rows.map((row) => row.id);
  };

  it('has a tag on more leads than the list reads by id, and one on few', async () => {
    expect((await expected('densa', 'newest')).length).toBeGreaterThan(TAGGED_ID_LIMIT);
    expect(await expected('rara', 'newest')).toHaveLength(10);
  });

  it.each<[string, LeadSort, number]>([
    ['rara', 'newest', 3],
    ['rara', 'oldest', 3],
    ['rara', 'name', 3],
    ['rara', 'status', 3],
    ['densa', 'newest', 100],
    ['densa', 'oldest', 100],
  ])('tag %s, %s first: every page to the end as plain SQL', async (tag, sort, pageSize) => {
    const sql = await expected(tag, sort);
    expect(await pageThrough({ tag, sort, pageSize })).toEqual({ ids: sql, total: sql.length });
  });

  it('an offset page of a rare tag is the same slice', async () => {
    const sql = await expected('rara', 'newest');
    const second = await list({ tag: 'rara', pageSize: 3, page: 2 });
    expect(second.items.map((lead) => lead.id)).toEqual(sql.slice(3, 6));
    expect(second.total).toBe(10);
  });

  const setter = (id: () => string) => ({ viewer: { userId: id(), role: 'setter' as const } });
  it.each<[string, string, Partial<ListLeadsRequest>, string, () => unknown[]]>([
    ['rara', 'a status', { status: 'calificado' }, `l.status = 'calificado'`, () => []],
    [
      'densa',
      'a status and a source',
      { status: 'contactado', source: 'META_ADS' },
      `l.status = 'contactado' AND l.lead_source = 'META_ADS'`,
      () => [],
    ],
    [
      'rara',
      'an assignee',
      { assignedUserId: '' },
      'l.assigned_user_id = $3',
      () => [tenant.users.closer.id],
    ],
    searchCase('rara', 'cliente 1'),
    searchCase('densa', 'cliente 4'),
  ])(
    'tag %s with %s: every page, newest and by name, as plain SQL',
    async (tag, _label, filter, where, params) => {
      const query =
        'assignedUserId' in filter ? { ...filter, assignedUserId: tenant.users.closer.id } : filter;
      for (const sort of ['newest', 'name'] as const) {
        const sql = await expected(tag, sort, where, params());
        expect(sql.length).toBeGreaterThan(0);
        expect(await pageThrough({ ...query, tag, sort, pageSize: 100 })).toEqual({
          ids: sql,
          total: sql.length,
        });
      }
    },
  );

  it.each(['rara', 'densa'])("tag %s as a setter: only the setter's own leads", async (tag) => {
    for (const sort of ['newest', 'name'] as const) {
      const sql = await expected(tag, sort, 'l.assigned_user_id = $3', [tenant.users.setter.id]);
      expect(sql.length).toBeGreaterThan(0);
      expect(
        await pageThrough({ ...setter(() => tenant.users.setter.id), tag, sort, pageSize: 100 }),
      ).toEqual({
        ids: sql,
        total: sql.length,
      });
    }
  });

  it("never answers another tenant's leads, nor any without app.tenant_id", async () => {
    const theirs: { id: string }[] = await crm.db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND tags @> ARRAY['rara']`,
      [other.tenantId],
    );
    expect(theirs.length).toBeGreaterThan(0);
    const ours = await pageThrough({ tag: 'rara', pageSize: 100 });
    expect(ours.ids).toEqual(await expected('rara', 'newest'));
    await app.query('BEGIN');
    try {
      const { rows } = await app.query(`SELECT crm.tagged_lead_ids('rara', true, NULL, NULL, 100) AS id`);
      expect(rows).toEqual([]);
    } finally {
      await app.query('ROLLBACK');
    }
  });

  it('a cursor taken before tags and creation times change goes on with the leads as they are now', async () => {
    const first = await list({ tag: 'rara', pageSize: 3 });
    const [cursorCreatedAt, cursorId] = decodeCursor('newest', first.nextCursor!);
    const rare = await expected('rara', 'newest');
    const untagged: { id: string }[] = await crm.db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND NOT tags @> ARRAY['rara'] ORDER BY created_at, id LIMIT 3`,
      [tenant.tenantId],
    );
    // In one statement each, as an import's or a bulk edit's: a lead older than the cursor loses the tag, three gain
    // it, one tagged lead moves before the cursor (past it in the order) and one to the far past.
    await crm.db.query(`UPDATE crm.leads SET tags = ARRAY['densa'] WHERE id = $1`, [rare[5]]);
    await crm.db.query(`UPDATE crm.leads SET tags = tags || ARRAY['rara'] WHERE id = ANY($1::uuid[])`, [
      untagged.map((row) => row.id),
    ]);
    await crm.db.query(
      `UPDATE crm.leads SET created_at = CASE WHEN id = $1 THEN timestamptz '2025-06-01' ELSE timestamptz '2027-01-01' END
        WHERE id = ANY($2::uuid[])`,
      [rare[4], [rare[4], rare[6]]],
    );
    const rest = await expected('rara', 'newest', '(l.created_at, l.id) < ($3::timestamptz, $4::uuid)', [
      cursorCreatedAt,
      cursorId,
    ]);
    expect(rest).toContain(rare[4]);
    expect(rest).not.toContain(rare[5]);
    expect(rest).not.toContain(rare[6]);
    expect((await pageThrough({ tag: 'rara', pageSize: 3, cursor: first.nextCursor! })).ids).toEqual(rest);
    for (const sort of ['newest', 'oldest'] as const) {
      const sql = await expected('rara', sort);
      expect(await pageThrough({ tag: 'rara', sort, pageSize: 3 })).toEqual({ ids: sql, total: sql.length });
    }
    await crm.db.query(`DELETE FROM crm.leads WHERE id = $1`, [rare[4]]);
    const sql = await expected('rara', 'newest');
    expect(await pageThrough({ tag: 'rara', pageSize: 3 })).toEqual({ ids: sql, total: sql.length });
  });

  it('migrates down and up again: the backfill rebuilds the same pages', async () => {
    const runner = crm.db.createQueryRunner();
    const migration = new TaggedLeadPage1768900000197();
    const tagged = async (newestFirst: boolean): Promise<string[]> => {
      const rows: { id: string }[] = await runner.query(
        `SELECT crm.tagged_lead_ids('rara', $1, NULL, NULL, 1000) AS id`,
        [newestFirst],
      );
      return rows.map((row) => row.id);
    };
    await runner.startTransaction();
    try {
      await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.tenantId]);
      await migration.down(runner);
      const [gone]: { fn: string | null; created_at_column: number }[] = await runner.query(
        `SELECT to_regprocedure('crm.tagged_lead_ids(text, boolean, timestamptz, uuid, int)')::text AS fn,
                (SELECT count(*)::int FROM information_schema.columns
                  WHERE table_schema = 'crm' AND table_name = 'lead_tags' AND column_name = 'created_at') AS created_at_column`,
      );
      expect(gone).toEqual({ fn: null, created_at_column: 0 });
      // 1768900000195's triggers keep crm.lead_tags again.
      await runner.query(
        `UPDATE crm.leads SET tags = tags || ARRAY['rara'] WHERE tenant_id = $1 AND name = 'Cliente 7'`,
        [tenant.tenantId],
      );
      await migration.up(runner);
      const sql = await expected('rara', 'newest', 'true', [], runner);
      expect(sql.length).toBeGreaterThan(10);
      expect(await tagged(true)).toEqual(sql);
      expect(await tagged(false)).toEqual(await expected('rara', 'oldest', 'true', [], runner));
    } finally {
      // Leaves the run's database as the migrations made it.
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
