import {
  Events,
  Rpc,
  type CreateOpportunityRequest,
  type OpportunityView,
  type Role,
  type UpdateOpportunityRequest,
} from '@crm/contracts';
import { rpcError, waitFor } from '@crm/testing';
import {
  actorOf,
  collectEvents,
  createLeadFor,
  createTestTenant,
  sleep,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: opportunities', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Oportunidades');
    other = await createTestTenant(crm.db, 'Otra inmobiliaria');
  });

  afterAll(async () => {
    await crm.close();
  });

  const actor = actorOf;
  const lead = (t: TestTenant, assignedTo?: Role) => createLeadFor(crm, t, assignedTo);

  const create = (
    t: TestTenant,
    role: Role,
    fields: Omit<
      CreateOpportunityRequest,
      'tenantId' | 'actorUserId' | 'actorRole' | 'title' | 'value' | 'currency'
    > &
      Partial<CreateOpportunityRequest>,
  ) =>
    crm.rpc.call(Rpc.crm.createOpportunity, {
      title: 'Casa en Coyoacán',
      value: 2_500_000,
      currency: 'MXN',
      ...fields,
      ...actor(t, role),
    });

  const update = (
    t: TestTenant,
    role: Role,
    fields: Omit<UpdateOpportunityRequest, 'tenantId' | 'actorUserId' | 'actorRole'>,
  ) => crm.rpc.call(Rpc.crm.updateOpportunity, { ...fields, ...actor(t, role) });

  it('creates an opportunity owned by the caller and emits opportunity.created exactly once', async () => {
    const events = await collectEvents(crm.jetstream, Events.opportunityCreated, tenant.tenantId);
    const l = await lead(tenant);
    const created = await create(tenant, 'professional', {
      leadId: l.id,
      title: '  Departamento en Polanco ',
      value: 1234567.89,
      deadline: '2026-12-31T18:00:00Z',
    });
    expect(created).toEqual({
      id: expect.any(String),
      leadId: l.id,
      leadName: l.name,
      title: 'Departamento en Polanco',
      value: 1234567.89,
      currency: 'MXN',
      status: 'pending',
      deadline: '2026-12-31T18:00:00.000Z',
      ownerId: tenant.users.professional.id,
      ownerName: expect.stringContaining('professional'),
      lostReason: null,
      closedAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await waitFor(() => events.length >= 1, { what: 'opportunity.created' });
    await sleep(800);
    expect(events).toEqual([
      {
        tenantId: tenant.tenantId,
        opportunityId: created.id,
        leadId: l.id,
        title: 'Departamento en Polanco',
        value: 1234567.89,
        currency: 'MXN',
        status: 'pending',
        deadline: '2026-12-31T18:00:00.000Z',
        ownerId: tenant.users.professional.id,
        createdAt: created.createdAt,
        // The version a consumer orders this opportunity's events by: its updated_at, here its creation.
        updatedAt: created.createdAt,
      },
    ]);
    const detail = await crm.rpc.call(Rpc.crm.getLead, { tenantId: tenant.tenantId, leadId: l.id });
    expect(detail.opportunities.map((o) => o.id)).toEqual([created.id]);
  });

  it('rejects bad input with VALIDATION naming the field', async () => {
    const l = await lead(tenant);
    const base = { ...actor(tenant, 'ceo'), leadId: l.id, title: 'X', value: 10, currency: 'MXN' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, value: 0 }, 'value must be greater than 0'],
      [{ ...base, value: -100 }, 'value must be greater than 0'],
      [{ ...base, value: 10.123 }, 'value must be a number with at most 2 decimals'],
      [{ ...base, value: '10' }, 'value must be a number'],
      [{ ...base, currency: 'XYZ' }, 'currency must be an ISO 4217 code'],
      [{ ...base, currency: 'mxn' }, 'currency must be an ISO 4217 code'],
      [{ ...base, deadline: '2026-02-30' }, 'deadline must be an ISO 8601'],
      [{ ...base, deadline: '31/12/2026' }, 'deadline must be an ISO 8601'],
      [{ ...base, title: '' }, 'title'],
      [{ ...base, leadId: 'nope' }, 'leadId'],
      [{ ...base, actorRole: 'admin' }, 'actorRole'],
    ];
    for (const [payload, message] of cases) {
      const error = await rpcError(crm.rpc.callInvalid(Rpc.crm.createOpportunity, payload));
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toContain(message);
    }
    const blank = await rpcError(create(tenant, 'ceo', { leadId: l.id, title: '   ' }));
    expect(blank).toMatchObject({ code: 'VALIDATION', message: 'title must not be blank' });
    const [{ n }]: { n: number }[] = await crm.db.query(
      `SELECT count(*)::int AS n FROM crm.opportunities WHERE lead_id = $1`,
      [l.id],
    );
    expect(n).toBe(0);
  });

  it("answers NOT_FOUND for another tenant's lead or opportunity, VALIDATION for its user as owner", async () => {
    const foreignLead = await lead(other);
    const foreign = await create(other, 'ceo', { leadId: foreignLead.id });
    expect((await rpcError(create(tenant, 'ceo', { leadId: foreignLead.id }))).code).toBe('NOT_FOUND');
    const get = crm.rpc.call(Rpc.crm.getOpportunity, { ...actor(tenant, 'ceo'), opportunityId: foreign.id });
    expect(await rpcError(get)).toMatchObject({ code: 'NOT_FOUND', message: 'opportunity not found' });
    const patch = update(tenant, 'ceo', { opportunityId: foreign.id, title: 'Robada' });
    expect((await rpcError(patch)).code).toBe('NOT_FOUND');
    const own = await lead(tenant);
    const foreignOwner = await rpcError(
      create(tenant, 'ceo', { leadId: own.id, ownerId: other.users.closer.id }),
    );
    expect(foreignOwner).toMatchObject({
      code: 'VALIDATION',
      message: 'ownerId is not a user of this tenant',
    });
    const [{ title }]: { title: string }[] = await crm.db.query(
      `SELECT title FROM crm.opportunities WHERE id = $1`,
      [foreign.id],
    );
    expect(title).toBe('Casa en Coyoacán');
  });

  it('moves through won, pending and lost, stamping closed_at, with one event per change', async () => {
    const updated = await collectEvents(crm.jetstream, Events.opportunityUpdated, tenant.tenantId);
    const won = await collectEvents(crm.jetstream, Events.opportunityWon, tenant.tenantId);
    const lost = await collectEvents(crm.jetstream, Events.opportunityLost, tenant.tenantId);
    const l = await lead(tenant);
    const o = await create(tenant, 'ceo', { leadId: l.id, deadline: '2026-12-01T00:00:00Z' });

    const moved = await update(tenant, 'ceo', { opportunityId: o.id, deadline: '2026-12-15T00:00:00.000Z' });
    expect(moved.deadline).toBe('2026-12-15T00:00:00.000Z');
    // Same values again: nothing changes, nothing is emitted.
    await update(tenant, 'ceo', { opportunityId: o.id, deadline: '2026-12-15T00:00:00Z', title: o.title });

    const wonView = await update(tenant, 'ceo', { opportunityId: o.id, status: 'won', value: 2_600_000 });
    expect(wonView).toMatchObject({ status: 'won', value: 2_600_000, closedAt: expect.any(String) });

    const reopened = await update(tenant, 'ceo', { opportunityId: o.id, status: 'pending' });
    expect(reopened).toMatchObject({ status: 'pending', closedAt: null, lostReason: null });

    const noReason = await rpcError(update(tenant, 'ceo', { opportunityId: o.id, status: 'lost' }));
    expect(noReason).toMatchObject({
      code: 'VALIDATION',
      message: 'lostReason is required to mark an opportunity lost',
    });
    const strayReason = await rpcError(update(tenant, 'ceo', { opportunityId: o.id, lostReason: 'precio' }));
    expect(strayReason.message).toBe('lostReason is only for lost opportunities (status is pending)');

    const lostView = await update(tenant, 'ceo', {
      opportunityId: o.id,
      status: 'lost',
      lostReason: ' Eligió otra zona ',
    });
    expect(lostView).toMatchObject({
      status: 'lost',
      lostReason: 'Eligió otra zona',
      closedAt: expect.any(String),
    });
    const back = await update(tenant, 'ceo', { opportunityId: o.id, status: 'pending', deadline: null });
    expect(back).toMatchObject({ status: 'pending', lostReason: null, closedAt: null, deadline: null });

    await waitFor(() => updated.length >= 5 && won.length >= 1 && lost.length >= 1, { what: 'events' });
    await sleep(800);
    expect(updated.map((e) => [e.changed, e.previousStatus, e.status, e.deadlineChanged])).toEqual([
      [['deadline'], 'pending', 'pending', true],
      [['value', 'status'], 'pending', 'won', false],
      [['status'], 'won', 'pending', false],
      [['status', 'lostReason'], 'pending', 'lost', false],
      [['deadline', 'status', 'lostReason'], 'lost', 'pending', true],
    ]);
    expect(updated[0]).toMatchObject({
      previousDeadline: '2026-12-01T00:00:00.000Z',
      deadline: '2026-12-15T00:00:00.000Z',
    });
    expect(updated[4]).toMatchObject({ previousDeadline: '2026-12-15T00:00:00.000Z', deadline: null });
    expect(won).toEqual([
      expect.objectContaining({ opportunityId: o.id, value: 2_600_000, closedAt: wonView.closedAt }),
    ]);
    expect(lost).toEqual([
      expect.objectContaining({
        opportunityId: o.id,
        lostReason: 'Eligió otra zona',
        closedAt: lostView.closedAt,
      }),
    ]);
  });

  describe('visibility by role', () => {
    let scoped: TestTenant;
    let ownedBySetter: OpportunityView;
    let onCloserLead: OpportunityView;
    let ofCeo: OpportunityView;

    beforeAll(async () => {
      scoped = await createTestTenant(crm.db, 'Visibilidad');
      ownedBySetter = await create(scoped, 'setter', {
        leadId: (await lead(scoped)).id,
        title: 'Del setter',
      });
      onCloserLead = await create(scoped, 'ceo', {
        leadId: (await lead(scoped, 'closer')).id,
        title: 'Lead del closer',
      });
      ofCeo = await create(scoped, 'ceo', { leadId: (await lead(scoped)).id, title: 'Del CEO' });
    });

    const listed = async (role: Role) =>
      (await crm.rpc.call(Rpc.crm.listOpportunities, actor(scoped, role))).items.map((o) => o.title).sort();

    it('ceo and professional see all, setter and closer their own and those of their leads', async () => {
      const all = ['Del CEO', 'Del setter', 'Lead del closer'];
      expect(await listed('ceo')).toEqual(all);
      expect(await listed('professional')).toEqual(all);
      expect(await listed('setter')).toEqual(['Del setter']);
      expect(await listed('closer')).toEqual(['Lead del closer']);
      const board = await crm.rpc.call(Rpc.crm.opportunityBoard, actor(scoped, 'closer'));
      expect(board.columns.find((c) => c.status === 'pending')).toMatchObject({
        count: 1,
        cards: [expect.objectContaining({ id: onCloserLead.id })],
      });
    });

    it('hides the rest from setter and closer as NOT_FOUND, for get and update', async () => {
      for (const role of ['setter', 'closer'] as const) {
        const get = crm.rpc.call(Rpc.crm.getOpportunity, { ...actor(scoped, role), opportunityId: ofCeo.id });
        expect((await rpcError(get)).code).toBe('NOT_FOUND');
        const patch = update(scoped, role, { opportunityId: ofCeo.id, status: 'won' });
        expect((await rpcError(patch)).code).toBe('NOT_FOUND');
      }
      const closer = await update(scoped, 'closer', { opportunityId: onCloserLead.id, value: 99 });
      expect(closer.value).toBe(99);
      const [{ status }]: { status: string }[] = await crm.db.query(
        `SELECT status FROM crm.opportunities WHERE id = $1`,
        [ofCeo.id],
      );
      expect(status).toBe('pending');
    });

    it('lets setter and closer own opportunities only themselves (FORBIDDEN otherwise)', async () => {
      const l = await lead(scoped, 'setter');
      const given = await rpcError(
        create(scoped, 'setter', { leadId: l.id, ownerId: scoped.users.closer.id }),
      );
      expect(given).toMatchObject({
        code: 'FORBIDDEN',
        message: 'a setter can only assign opportunities to themselves',
      });
      const away = await rpcError(
        update(scoped, 'setter', { opportunityId: ownedBySetter.id, ownerId: null }),
      );
      expect(away.code).toBe('FORBIDDEN');
      const assigned = await update(scoped, 'ceo', {
        opportunityId: ownedBySetter.id,
        ownerId: scoped.users.closer.id,
      });
      expect(assigned).toMatchObject({
        ownerId: scoped.users.closer.id,
        ownerName: expect.stringContaining('closer'),
      });
      expect(await listed('closer')).toEqual(['Del setter', 'Lead del closer']);
      expect(await listed('setter')).toEqual([]);
    });
  });

  describe('list and board', () => {
    let board: TestTenant;
    let leadA: string;

    beforeAll(async () => {
      board = await createTestTenant(crm.db, 'Tablero');
      leadA = (await lead(board)).id;
      const leadB = (await lead(board)).id;
      const make = async (
        leadId: string,
        title: string,
        value: number,
        currency: string,
        deadline: string | null,
        role: Role,
      ) => create(board, role, { leadId, title, value, currency, deadline });
      await make(leadA, 'P1', 100, 'MXN', '2026-12-10T00:00:00Z', 'ceo');
      await make(leadA, 'P2', 200, 'MXN', '2026-12-05T00:00:00Z', 'professional');
      await make(leadB, 'P3', 50, 'USD', null, 'ceo');
      const w = await make(leadB, 'W1', 1000, 'MXN', '2026-11-01T00:00:00Z', 'ceo');
      await update(board, 'ceo', { opportunityId: w.id, status: 'won' });
      const x = await make(leadA, 'L1', 300, 'MXN', null, 'ceo');
      await update(board, 'ceo', { opportunityId: x.id, status: 'lost', lostReason: 'Sin crédito' });
    });

    const list = (fields: Record<string, unknown>) =>
      crm.rpc.call(Rpc.crm.listOpportunities, { ...actor(board, 'ceo'), ...fields });
    const titles = async (fields: Record<string, unknown>) => (await list(fields)).items.map((o) => o.title);

    it('filters by status, owner, lead and deadline range, newest first, with page and total', async () => {
      expect(await titles({})).toEqual(['L1', 'W1', 'P3', 'P2', 'P1']);
      expect(await titles({ status: 'pending' })).toEqual(['P3', 'P2', 'P1']);
      expect(await titles({ ownerId: board.users.professional.id })).toEqual(['P2']);
      expect(await titles({ leadId: leadA })).toEqual(['L1', 'P2', 'P1']);
      expect(
        await titles({ deadlineFrom: '2026-12-05T00:00:00Z', deadlineTo: '2026-12-10T00:00:00Z' }),
      ).toEqual(['P2']);
      expect(await list({ page: 2, pageSize: 2 })).toMatchObject({
        total: 5,
        page: 2,
        pageSize: 2,
        items: [expect.objectContaining({ title: 'P3' }), expect.objectContaining({ title: 'P2' })],
      });
      const reversed = await rpcError(
        list({ deadlineFrom: '2026-12-10T00:00:00Z', deadlineTo: '2026-12-01T00:00:00Z' }),
      );
      expect(reversed).toMatchObject({
        code: 'VALIDATION',
        message: 'deadlineFrom must be before deadlineTo',
      });
      const badPage = await rpcError(
        crm.rpc.callInvalid(Rpc.crm.listOpportunities, { ...actor(board, 'ceo'), pageSize: 101 }),
      );
      expect(badPage.code).toBe('VALIDATION');
    });

    it('answers count, totals per currency and the first cards per status', async () => {
      const result = await crm.rpc.call(Rpc.crm.opportunityBoard, { ...actor(board, 'ceo'), perStatus: 2 });
      expect(
        result.columns.map((c) => ({
          status: c.status,
          count: c.count,
          totals: c.totals,
          cards: c.cards.map((o) => o.title),
        })),
      ).toEqual([
        {
          status: 'pending',
          count: 3,
          totals: [
            { currency: 'MXN', value: 300 },
            { currency: 'USD', value: 50 },
          ],
          cards: ['P2', 'P1'],
        },
        { status: 'won', count: 1, totals: [{ currency: 'MXN', value: 1000 }], cards: ['W1'] },
        { status: 'lost', count: 1, totals: [{ currency: 'MXN', value: 300 }], cards: ['L1'] },
      ]);
      const filtered = await crm.rpc.call(Rpc.crm.opportunityBoard, {
        ...actor(board, 'ceo'),
        leadId: leadA,
      });
      expect(filtered.columns.map((c) => c.count)).toEqual([2, 0, 1]);
      const tooMany = await rpcError(
        crm.rpc.callInvalid(Rpc.crm.opportunityBoard, { ...actor(board, 'ceo'), perStatus: 1000 }),
      );
      expect(tooMany.code).toBe('VALIDATION');
    });

    it('keeps the pre-added totals equal to a recount through changes of value, currency, owner and status', async () => {
      const t = await createTestTenant(crm.db, 'Totales');
      const leadId = (await lead(t)).id;
      const doomed = (await lead(t)).id;
      const a = await create(t, 'ceo', { leadId, title: 'A', value: 100, currency: 'MXN', deadline: null });
      const b = await create(t, 'ceo', { leadId, title: 'B', value: 70, currency: 'MXN', deadline: null });
      await create(t, 'ceo', { leadId: doomed, title: 'C', value: 5, currency: 'USD', deadline: null });
      await update(t, 'ceo', { opportunityId: a.id, value: 120.5, currency: 'USD' });
      await update(t, 'ceo', { opportunityId: b.id, ownerId: t.users.professional.id, status: 'won' });
      await update(t, 'ceo', { opportunityId: b.id, status: 'pending' });
      await update(t, 'ceo', { opportunityId: a.id, status: 'lost', lostReason: 'Precio' });
      // The owner deletes a lead: its opportunity goes by the foreign key's cascade.
      await crm.db.query(`DELETE FROM crm.leads WHERE id = $1`, [doomed]);

      const shown = async (ownerId?: string) =>
        (await crm.rpc.call(Rpc.crm.opportunityBoard, { ...actor(t, 'ceo'), ownerId })).columns.map((c) => ({
          status: c.status,
          count: c.count,
          totals: c.totals,
        }));
      const recount = async (ownerId?: string) => {
        const rows: { status: string; currency: string; n: number; value: string }[] = await crm.db.query(
          `SELECT status, currency, count(*)::int AS n, sum(value)::text AS value FROM crm.opportunities
            WHERE tenant_id = $1 AND ($2::uuid IS NULL OR owner_user_id = $2)
            GROUP BY 1, 2 ORDER BY sum(value) DESC, 2`,
          [t.tenantId, ownerId ?? null],
        );
        return ['pending', 'won', 'lost'].map((status) => {
          const own = rows.filter((row) => row.status === status);
          return {
            status,
            count: own.reduce((sum, row) => sum + row.n, 0),
            totals: own.map((row) => ({ currency: row.currency, value: Number(row.value) })),
          };
        });
      };
      expect(await shown()).toEqual(await recount());
      expect(await shown()).toEqual([
        { status: 'pending', count: 1, totals: [{ currency: 'MXN', value: 70 }] },
        { status: 'won', count: 0, totals: [] },
        { status: 'lost', count: 1, totals: [{ currency: 'USD', value: 120.5 }] },
      ]);
      expect(await shown(t.users.professional.id)).toEqual(await recount(t.users.professional.id));
    });

    it("keeps a seller's pre-added totals and cards right when their lead is reassigned", async () => {
      const t = await createTestTenant(crm.db, 'Reasignación');
      const theirs = (await lead(t, 'setter')).id;
      const mine = (await lead(t, 'closer')).id;
      await create(t, 'ceo', {
        leadId: theirs,
        title: 'Del setter',
        value: 40,
        currency: 'MXN',
        deadline: null,
      });
      await create(t, 'closer', {
        leadId: mine,
        title: 'Del closer',
        value: 9,
        currency: 'MXN',
        deadline: null,
      });
      const seen = async (role: Role) =>
        (await crm.rpc.call(Rpc.crm.opportunityBoard, actor(t, role))).columns
          .filter((c) => c.status === 'pending')
          .map((c) => ({ count: c.count, totals: c.totals, cards: c.cards.map((o) => o.title) }))[0];
      expect(await seen('setter')).toEqual({
        count: 1,
        totals: [{ currency: 'MXN', value: 40 }],
        cards: ['Del setter'],
      });
      expect((await seen('closer')).cards).toEqual(['Del closer']);

      await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: t.tenantId,
        leadId: theirs,
        viewer: { userId: t.users.ceo.id, role: 'ceo' },
        assignedUserId: t.users.closer.id,
      });
      expect(await seen('setter')).toEqual({ count: 0, totals: [], cards: [] });
      expect(await seen('closer')).toEqual({
        count: 2,
        totals: [{ currency: 'MXN', value: 49 }],
        cards: ['Del closer', 'Del setter'],
      });
    });
  });
});
