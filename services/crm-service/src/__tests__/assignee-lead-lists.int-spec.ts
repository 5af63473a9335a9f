import { LIST_TOTAL_CAP, Rpc, type LeadViewer, type ListLeadsRequest } from '@crm/contracts';
import { likePattern, searchPatterns } from '../leads/lead-list-query';
import { createTestTenant, startCrmTestApp, type CrmTestApp, type TestTenant } from './crm-test-app';

/**
 * A setter's list (and a ceo's list of one assignee) counts and pages its search through
 * `crm.search_assigned_lead_ids` and its filters through index-only scans: totals and pages must be exactly what the
 * plain SQL of the filter (ILIKE on crm.leads) gives, below and beyond the cap.
 */
describe('crm-service: one assignee lead lists', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  // More than the cap, so that a search matching all of them is capped.
  const SETTER_LEADS = LIST_TOTAL_CAP + 40;
  const CLOSER_LEADS = 300;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Asignados');
    // Every 7th setter lead is "Elena …"; names end with "Pérez" or a number, emails start with "cli" or "ana", and
    // every lead has a distinct creation time (newest = highest g).
    await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, tags, assigned_user_id, created_at)
       SELECT $1,
              CASE WHEN g % 7 = 0 THEN 'Elena Sánchez ' || g ELSE 'Cliente ' || g || ' Pérez' END,
              '+52155' || lpad(g::text, 8, '0'),
              CASE WHEN g % 3 = 0 THEN NULL WHEN g % 2 = 0 THEN 'cliente' || g || '@correo.example'
                   ELSE 'ana' || g || '@mail.example' END,
              (ARRAY['nuevo', 'contactado', 'calificado'])[1 + g % 3],
              CASE WHEN g % 2 = 0 THEN 'META_ADS' ELSE 'WEBSITE' END,
              CASE WHEN g % 50 = 0 THEN ARRAY['vip'] ELSE '{}' END,
              CASE WHEN g <= $2::int THEN $3::uuid ELSE $4::uuid END,
              timestamptz '2026-01-01' + make_interval(secs => g)
         FROM generate_series(1, $2::int + $5::int) g`,
      [tenant.tenantId, SETTER_LEADS, tenant.users.setter.id, tenant.users.closer.id, CLOSER_LEADS],
    );
  });

  afterAll(async () => {
    await crm.close();
  });

  const asSetter: LeadViewer = { userId: '', role: 'setter' };
  const list = (query: Partial<ListLeadsRequest>) =>
    crm.rpc.call(Rpc.crm.listLeads, {
      tenantId: tenant.tenantId,
      viewer: { ...asSetter, userId: tenant.users.setter.id },
      pageSize: 20,
      ...query,
    });

  /** The old way: the filter's own SQL on crm.leads, every match in the list's default order. */
  const expected = async (
    assignee: string,
    where: string,
    params: unknown[],
    order = 'created_at DESC, id DESC',
  ): Promise<string[]> => {
    const rows: { id: string }[] = await crm.db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND assigned_user_id = $2 AND ${where} ORDER BY ${order}`,
      [tenant.tenantId, assignee, ...params],
    );
    return rows.map((row) => row.id);
  };
  const searched = (assignee: string, search: string, order?: string) => {
    const patterns = searchPatterns(search)!;
    return expected(
      assignee,
      '(name ILIKE $3 OR email ILIKE $3 OR phone ILIKE $4)',
      [patterns.text, patterns.phone],
      order,
    );
  };
  const totalOf = (ids: string[]) => ({
    total: Math.min(ids.length, LIST_TOTAL_CAP),
    totalCapped: ids.length > LIST_TOTAL_CAP,
  });

  it.each([
    ['a fragment matching every lead (beyond the cap)', 'pérez'],
    ['a fragment of one lead in seven', 'elena sánchez'],
    ['a full name', 'Elena Sánchez 700'],
    ['phone digits with separators', '0000 12'],
    ['an email fragment', 'cliente98@'],
    ['a line break between the end of a name and the start of an email', 'Pérez\ncli'],
    ['% and _ taken literally', '%_'],
    ['nothing', 'nadie'],
  ])("a setter's search counts and pages as its SQL does: %s", async (_what, search) => {
    const ids = await searched(tenant.users.setter.id, search);
    const first = await list({ search });
    expect({ total: first.total, totalCapped: first.totalCapped }).toEqual(totalOf(ids));
    expect(first.items.map((lead) => lead.id)).toEqual(ids.slice(0, 20));
    const third = await list({ search, page: 3 });
    expect(third.items.map((lead) => lead.id)).toEqual(ids.slice(40, 60));
    const byName = await list({ search, sort: 'name', page: 2 });
    expect(byName.total).toBe(first.total);
    const inNameOrder = await searched(tenant.users.setter.id, search, 'name, id');
    expect(byName.items.map((lead) => lead.id)).toEqual(inNameOrder.slice(20, 40));
  });

  it('a line break in the search is never matched across the name and the email', async () => {
    // The kept key is "name\nemail" lower-cased: a LIKE on it finds "…pérez" + "cli…", ILIKE on each does not.
    const [across]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.lead_search WHERE tenant_id = $1 AND search_key LIKE $2`,
      [tenant.tenantId, likePattern('pérez\ncli')],
    );
    expect(across.n).toBeGreaterThan(0);
    expect(await searched(tenant.users.setter.id, 'Pérez\ncli')).toEqual([]);
    expect((await list({ search: 'Pérez\ncli' })).total).toBe(0);
  });

  it('a ceo listing one assignee searches only theirs, as a setter does', async () => {
    const ids = await searched(tenant.users.closer.id, 'elena');
    expect(ids.length).toBeGreaterThan(20);
    const page = await list({ viewer: undefined, assignedUserId: tenant.users.closer.id, search: 'elena' });
    expect({ total: page.total, totalCapped: page.totalCapped }).toEqual(totalOf(ids));
    expect(page.items.map((lead) => lead.id)).toEqual(ids.slice(0, 20));
    // A setter asking for someone else's leads sees none.
    const other = await list({ assignedUserId: tenant.users.closer.id, search: 'elena' });
    expect(other).toMatchObject({ total: 0, items: [] });
  });

  it.each([
    ['status', { status: 'calificado' }, "status = 'calificado'"],
    ['source', { source: 'META_ADS' }, "lead_source = 'META_ADS'"],
    ['tag', { tag: 'vip' }, "tags @> ARRAY['vip']"],
    [
      'status and search',
      { status: 'contactado', search: 'elena' },
      `status = 'contactado' AND name ILIKE $3`,
    ],
  ] as const)("a setter's %s filter counts and pages as its SQL does", async (_what, filter, where) => {
    const params = 'search' in filter ? [likePattern(filter.search)] : [];
    const ids = await expected(tenant.users.setter.id, where, params);
    expect(ids.length).toBeGreaterThan(40);
    const first = await list(filter);
    expect({ total: first.total, totalCapped: first.totalCapped }).toEqual(totalOf(ids));
    expect(first.items.map((lead) => lead.id)).toEqual(ids.slice(0, 20));
    const next = await list({ ...filter, cursor: first.nextCursor! });
    expect(next.items.map((lead) => lead.id)).toEqual(ids.slice(20, 40));
    const oldest = await list({ ...filter, sort: 'oldest', page: 2 });
    expect(oldest.items.map((lead) => lead.id)).toEqual([...ids].reverse().slice(20, 40));
  });

  it("a ceo's tag filter counts the tenant's tagged leads (crm.lead_search keeps the tags), capped beyond the cap", async () => {
    // A second tenant whose leads all carry the tag: more than the cap, and never counted for the first tenant.
    const other = await createTestTenant(crm.db, 'Etiquetas');
    await crm.db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, tags, assigned_user_id)
       SELECT $1, 'Cliente ' || g, '+52166' || lpad(g::text, 8, '0'), 'WEBSITE', ARRAY['vip', 'norte'], $2::uuid
         FROM generate_series(1, $3::int) g`,
      [other.tenantId, other.users.setter.id, LIST_TOTAL_CAP + 5],
    );
    const asCeo = (of: TestTenant, tag: string) =>
      crm.rpc.call(Rpc.crm.listLeads, {
        tenantId: of.tenantId,
        viewer: { userId: of.users.ceo.id, role: 'ceo' },
        pageSize: 20,
        tag,
      });
    const vipOfFirst = await expected(tenant.users.setter.id, "tags @> ARRAY['vip']", []);
    const vipOfCloser = await expected(tenant.users.closer.id, "tags @> ARRAY['vip']", []);
    const first = await asCeo(tenant, 'vip');
    expect(first).toMatchObject({ total: vipOfFirst.length + vipOfCloser.length, totalCapped: false });
    expect(await asCeo(other, 'vip')).toMatchObject({ total: LIST_TOTAL_CAP, totalCapped: true });

    // A change of tags reaches the count: 10 leads lose the tag, so the other tenant is below the cap again.
    await crm.db.query(
      `UPDATE crm.leads SET tags = ARRAY['norte'] WHERE id IN (
         SELECT id FROM crm.leads WHERE tenant_id = $1 ORDER BY id LIMIT 10)`,
      [other.tenantId],
    );
    expect(await asCeo(other, 'vip')).toMatchObject({ total: LIST_TOTAL_CAP - 5, totalCapped: false });
    expect(await asCeo(other, 'norte')).toMatchObject({ total: LIST_TOTAL_CAP, totalCapped: true });
    expect(await asCeo(other, 'sur')).toMatchObject({ total: 0, totalCapped: false, items: [] });
  });
});
