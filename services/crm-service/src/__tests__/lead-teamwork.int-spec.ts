import { randomUUID } from 'node:crypto';
import {
  Events,
  LIST_TOTAL_CAP,
  Rpc,
  type LeadPage,
  type LeadViewer,
  type ListLeadsRequest,
  type Role,
} from '@crm/contracts';
import { rpcError, waitFor } from '@crm/testing';
import { createUser } from '../tenancy/provisioning';
import {
  collectEvents,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  TEST_PASSWORD,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: leads a team can work', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Equipo A');
    other = await createTestTenant(crm.db, 'Equipo B');
  });

  afterAll(async () => {
    await crm.close();
  });

  const viewer = (t: TestTenant, role: Role): LeadViewer => ({ userId: t.users[role].id, role });

  const create = (t: TestTenant, name: string, assignedUserId?: string) =>
    crm.rpc.call(Rpc.crm.createLead, {
      tenantId: t.tenantId,
      name,
      phone: randomPhone(),
      leadSource: 'MANUAL',
      assignedUserId,
    });

  async function outboxOf(tenantId: string, leadId: string) {
    const rows: { subject: string; payload: Record<string, unknown> }[] = await crm.db.query(
      `SELECT subject, payload FROM crm.outbox
        WHERE tenant_id = $1 AND payload->>'leadId' = $2 ORDER BY created_at, id`,
      [tenantId, leadId],
    );
    return rows;
  }

  async function addUser(t: TestTenant, role: Role, active = true): Promise<string> {
    const id = await createUser(crm.db, {
      tenantId: t.tenantId,
      email: `${role}-${randomUUID().slice(0, 8)}@test.crmventas.test`,
      name: `${role} extra`,
      role,
      password: TEST_PASSWORD,
    });
    if (!active) await crm.db.query(`UPDATE crm.users SET active = false WHERE id = $1`, [id]);
    return id;
  }

  describe('PATCH (crm.leads.update)', () => {
    it('changes each field, answers the stored form and emits lead.updated with the changed fields', async () => {
      const lead = await create(tenant, 'Rosa Díaz', tenant.users.closer.id);
      const events = await collectEvents(crm.jetstream, Events.leadUpdated, tenant.tenantId);
      const updated = await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        viewer: viewer(tenant, 'ceo'),
        name: '  Rosa María Díaz ',
        email: 'Rosa@Example.COM',
        phone: '+52 (55) 4321-0099',
        status: 'contactado',
        notes: ' Prefiere llamadas por la tarde ',
        tags: ['vip', ' inversionista'],
      });
      expect(updated).toMatchObject({
        id: lead.id,
        name: 'Rosa María Díaz',
        email: 'rosa@example.com',
        phone: '+5215543210099',
        status: 'contactado',
        notes: 'Prefiere llamadas por la tarde',
        tags: ['vip', 'inversionista'],
        assignedUserId: tenant.users.closer.id,
      });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(lead.updatedAt) - 1);
      await waitFor(() => events.some((e) => e.leadId === lead.id), { what: 'lead.updated' });
      expect(events.find((e) => e.leadId === lead.id)).toMatchObject({
        fields: ['name', 'email', 'phone', 'status', 'notes', 'tags'],
        byUserId: tenant.users.ceo.id,
      });
      const subjects = (await outboxOf(tenant.tenantId, lead.id)).map((row) => row.subject);
      expect(subjects).toEqual([Events.leadCreated, Events.leadUpdated, Events.leadStatusChanged]);

      // Clearing email and notes; the same values again change nothing and emit nothing.
      const cleared = await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        email: null,
        notes: null,
        tags: [],
      });
      expect(cleared).toMatchObject({ email: null, notes: null, tags: [] });
      await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        name: 'Rosa María Díaz',
        status: 'contactado',
      });
      const after = await outboxOf(tenant.tenantId, lead.id);
      expect(after.map((row) => row.subject)).toEqual([
        Events.leadCreated,
        Events.leadUpdated,
        Events.leadStatusChanged,
        Events.leadUpdated,
      ]);
      expect(after[3].payload.fields).toEqual(['email', 'notes', 'tags']);
    });

    it('reassigns to an active user (lead.assigned from → to), refuses unknown (404) and deactivated (400) users', async () => {
      const lead = await create(tenant, 'Pedro Ruiz', tenant.users.setter.id);
      const moved = await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        assignedUserId: tenant.users.closer.id,
      });
      expect(moved).toMatchObject({
        assignedUserId: tenant.users.closer.id,
        assignedUserName: expect.stringContaining('closer'),
      });
      const assigned = (await outboxOf(tenant.tenantId, lead.id)).filter(
        (row) => row.subject === Events.leadAssigned,
      );
      expect(assigned.map((row) => row.payload)).toEqual([
        expect.objectContaining({
          from: tenant.users.setter.id,
          to: tenant.users.closer.id,
          reason: 'manual',
        }),
      ]);

      const unknown = await rpcError(
        crm.rpc.call(Rpc.crm.updateLead, {
          tenantId: tenant.tenantId,
          leadId: lead.id,
          assignedUserId: other.users.setter.id,
        }),
      );
      expect(unknown.code).toBe('NOT_FOUND');
      const inactive = await addUser(tenant, 'closer', false);
      const deactivated = await rpcError(
        crm.rpc.call(Rpc.crm.updateLead, {
          tenantId: tenant.tenantId,
          leadId: lead.id,
          assignedUserId: inactive,
        }),
      );
      expect([deactivated.code, deactivated.message]).toEqual(['VALIDATION', 'assigned user is deactivated']);
      const unassigned = await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        assignedUserId: null,
      });
      expect(unassigned.assignedUserId).toBeNull();
    });

    it('refuses a phone another lead has with 409 naming that lead (any writing of the number)', async () => {
      const owner = await crm.rpc.call(Rpc.crm.createLead, {
        tenantId: tenant.tenantId,
        name: 'Dueña del Número',
        phone: '+5215588001122',
        leadSource: 'MANUAL',
      });
      const lead = await create(tenant, 'Otro Lead');
      const conflict = await rpcError(
        crm.rpc.call(Rpc.crm.updateLead, {
          tenantId: tenant.tenantId,
          leadId: lead.id,
          phone: '+52 55 8800 1122',
        }),
      );
      expect(conflict.code).toBe('CONFLICT');
      expect(conflict.message).toContain(owner.id);
      expect(conflict.message).toContain('Dueña del Número');
      expect(conflict.details).toMatchObject({
        field: 'phone',
        leadId: owner.id,
        leadName: 'Dueña del Número',
      });
      // Its own phone is no conflict; another tenant may have the same number.
      await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: owner.id,
        phone: '+5215588001122',
      });
      const elsewhere = await create(other, 'En otro tenant');
      const moved = await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: other.tenantId,
        leadId: elsewhere.id,
        phone: '+5215588001122',
      });
      expect(moved.phone).toBe('+5215588001122');
    });

    it('answers VALIDATION to bad fields and NOT_FOUND to another tenant’s lead', async () => {
      const lead = await create(tenant, 'Validado');
      const bad: Record<string, unknown>[] = [
        { phone: '12' },
        { name: '   ' },
        { name: null },
        { status: 'ganado' },
        { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        { tags: ['x'.repeat(41)] },
        { tags: ['dup', 'dup'] },
        { email: 'no-es-email' },
        { assignedUserId: 'nope' },
        { notes: 'n'.repeat(5001) },
      ];
      for (const fields of bad) {
        const error = await rpcError(
          crm.rpc.callInvalid(Rpc.crm.updateLead, { tenantId: tenant.tenantId, leadId: lead.id, ...fields }),
        );
        expect([error.code, fields]).toEqual(['VALIDATION', fields]);
      }
      const foreign = await rpcError(
        crm.rpc.call(Rpc.crm.updateLead, { tenantId: other.tenantId, leadId: lead.id, name: 'Robado' }),
      );
      expect(foreign.code).toBe('NOT_FOUND');
    });

    it('keeps crm.leads.update-status working (lead.status-changed still emitted)', async () => {
      const lead = await create(tenant, 'Estado');
      const moved = await crm.rpc.call(Rpc.crm.updateLeadStatus, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        status: 'calificado',
      });
      expect(moved.status).toBe('calificado');
      const changed = (await outboxOf(tenant.tenantId, lead.id)).filter(
        (row) => row.subject === Events.leadStatusChanged,
      );
      expect(changed.map((row) => [row.payload.from, row.payload.to])).toEqual([['nuevo', 'calificado']]);
    });
  });

  describe('round-robin assignment', () => {
    it('gives unassigned new leads to the active setters in turn (not the deactivated one)', async () => {
      const team = await createTestTenant(crm.db, 'Rotación');
      const setters = [team.users.setter.id, await addUser(team, 'setter'), await addUser(team, 'setter')];
      await addUser(team, 'setter', false);
      const created = [];
      for (let i = 0; i < 9; i++) created.push(await create(team, `Rotado ${i}`));
      const owners = created.map((lead) => lead.assignedUserId);
      expect(new Set(owners)).toEqual(new Set(setters));
      for (const setter of setters) expect(owners.filter((id) => id === setter)).toHaveLength(3);
      // Strict rotation: each three consecutive leads go to three different setters, in the same order.
      expect(owners.slice(3, 6)).toEqual(owners.slice(0, 3));
      expect(owners.slice(6, 9)).toEqual(owners.slice(0, 3));
      const assigned = (await outboxOf(team.tenantId, created[0].id)).find(
        (row) => row.subject === Events.leadAssigned,
      );
      expect(assigned?.payload).toMatchObject({ from: null, to: owners[0], reason: 'round_robin' });
      // An explicit assignee is kept and does not move the rotation.
      const chosen = await create(team, 'Elegido', team.users.closer.id);
      expect(chosen.assignedUserId).toBe(team.users.closer.id);
      expect((await create(team, 'Siguiente')).assignedUserId).toBe(owners[0]);
    });

    it('shares leads created concurrently fairly (the cursor row is locked)', async () => {
      const team = await createTestTenant(crm.db, 'Concurrente');
      const setters = [team.users.setter.id, await addUser(team, 'setter'), await addUser(team, 'setter')];
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => create(team, `Paralelo ${i}`)));
      for (const setter of setters) {
        expect(created.filter((lead) => lead.assignedUserId === setter)).toHaveLength(4);
      }
    });

    it('leaves the lead unassigned when the tenant has no active setter', async () => {
      const team = await createTestTenant(crm.db, 'Sin setters');
      await crm.db.query(`UPDATE crm.users SET active = false WHERE id = $1`, [team.users.setter.id]);
      expect((await create(team, 'Huérfano')).assignedUserId).toBeNull();
    });
  });

  describe('visibility', () => {
    it('shows setters and closers only their leads (list, get, patch → 404 for another’s); ceo and professional all', async () => {
      const team = await createTestTenant(crm.db, 'Visibilidad');
      const setterLead = await create(team, 'Del setter', team.users.setter.id);
      const closerLead = await create(team, 'Del closer', team.users.closer.id);
      const list = async (role: Role) =>
        (
          await crm.rpc.call(Rpc.crm.listLeads, { tenantId: team.tenantId, viewer: viewer(team, role) })
        ).items.map((lead) => lead.name);
      expect(await list('setter')).toEqual(['Del setter']);
      expect(await list('closer')).toEqual(['Del closer']);
      expect((await list('ceo')).sort()).toEqual(['Del closer', 'Del setter']);
      expect((await list('professional')).sort()).toEqual(['Del closer', 'Del setter']);

      const asSetter = { tenantId: team.tenantId, viewer: viewer(team, 'setter') };
      expect((await crm.rpc.call(Rpc.crm.getLead, { ...asSetter, leadId: setterLead.id })).id).toBe(
        setterLead.id,
      );
      for (const call of [
        crm.rpc.call(Rpc.crm.getLead, { ...asSetter, leadId: closerLead.id }),
        crm.rpc.call(Rpc.crm.updateLead, { ...asSetter, leadId: closerLead.id, notes: 'mío' }),
        crm.rpc.call(Rpc.crm.updateLeadStatus, { ...asSetter, leadId: closerLead.id, status: 'contactado' }),
      ]) {
        expect((await rpcError(call)).code).toBe('NOT_FOUND');
      }
      const untouched = await crm.rpc.call(Rpc.crm.getLead, {
        tenantId: team.tenantId,
        leadId: closerLead.id,
      });
      expect([untouched.notes, untouched.status]).toEqual([null, 'nuevo']);
    });
  });

  describe('list: filters, sorting, keyset paging, search', () => {
    let team: TestTenant;
    const base = Date.parse('2026-06-01T00:00:00.000Z');

    beforeAll(async () => {
      team = await createTestTenant(crm.db, 'Listado');
      // 60 leads written straight into the table: up to ten share a created_at, so paging must break ties by id.
      await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, meta_campaign_id, meta_ad_id,
                                assigned_user_id, tags, created_at)
         SELECT $1, 'Lead ' || lpad(g::text, 2, '0'), '+5215570' || lpad(g::text, 6, '0'),
                'lead' || g || '@correo' || (g % 3) || '.mx',
                (ARRAY['nuevo','contactado','calificado'])[1 + g % 3],
                CASE WHEN g % 2 = 0 THEN 'META_ADS' ELSE 'WEBSITE' END,
                CASE WHEN g % 2 = 0 THEN 'camp-' || (g % 4) END,
                CASE WHEN g % 2 = 0 THEN 'ad-' || (g % 8) END,
                CASE WHEN g % 5 = 0 THEN $2::uuid END,
                CASE WHEN g % 6 = 0 THEN ARRAY['vip'] ELSE '{}' END,
                $3::timestamptz + ((g / 10) || ' days')::interval
           FROM generate_series(1, 60) g`,
        [team.tenantId, team.users.closer.id, new Date(base).toISOString()],
      );
    });

    const list = (query: Omit<ListLeadsRequest, 'tenantId'> = {}) =>
      crm.rpc.call(Rpc.crm.listLeads, { tenantId: team.tenantId, pageSize: 100, ...query });
    const names = (page: LeadPage) => page.items.map((lead) => lead.name);

    it('filters by status, source, campaign, ad, assigned seller, tag and created range', async () => {
      const count = async (query: Omit<ListLeadsRequest, 'tenantId'>) => (await list(query)).total;
      expect(await count({})).toBe(60);
      expect(await count({ status: 'contactado' })).toBe(20);
      expect(await count({ source: 'META_ADS' })).toBe(30);
      expect(await count({ campaignId: 'camp-2' })).toBe(15);
      expect(await count({ adId: 'ad-6' })).toBe(7);
      expect(await count({ assignedUserId: team.users.closer.id })).toBe(12);
      expect(await count({ tag: 'vip' })).toBe(10);
      const from = new Date(base + 2 * 86_400_000).toISOString();
      const to = new Date(base + 4 * 86_400_000).toISOString();
      expect(await count({ createdFrom: from, createdTo: to })).toBe(20);
      expect(await count({ status: 'nuevo', source: 'META_ADS', tag: 'vip' })).toBe(10);
      expect(await count({ status: 'contactado', tag: 'vip' })).toBe(0);
      const invalidRange = await rpcError(list({ createdFrom: to, createdTo: from }));
      expect(invalidRange.code).toBe('VALIDATION');
    });

    it('sorts newest first by default, and by oldest, name and pipeline stage', async () => {
      const newest = (await list()).items;
      const times = newest.map((lead) => Date.parse(lead.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(names(await list({ sort: 'name', pageSize: 3 }))).toEqual(['Lead 01', 'Lead 02', 'Lead 03']);
      const oldest = (await list({ sort: 'oldest' })).items.map((lead) => Date.parse(lead.createdAt));
      expect(oldest).toEqual([...oldest].sort((a, b) => a - b));
      const stages = (await list({ sort: 'status' })).items.map((lead) => lead.status);
      expect(stages.indexOf('contactado')).toBe(20);
      expect(stages.lastIndexOf('nuevo')).toBe(19);
      expect(stages[59]).toBe('calificado');
    });

    it.each(['newest', 'oldest', 'name', 'status'] as const)(
      'walks every lead once with keyset paging (sort %s): no duplicates, no gaps',
      async (sort) => {
        const all = names(await list({ sort }));
        const walked: string[] = [];
        let page = await list({ sort, pageSize: 7 });
        expect(page).toMatchObject({ page: 1, total: 60 });
        walked.push(...names(page));
        while (page.nextCursor) {
          page = await list({ sort, pageSize: 7, cursor: page.nextCursor });
          expect([page.page, page.total]).toEqual([null, null]);
          walked.push(...names(page));
        }
        expect(walked).toEqual(all);
        expect(new Set(walked).size).toBe(60);
      },
    );

    it('keeps filters while paging and refuses a foreign or mixed cursor', async () => {
      const first = await list({ status: 'nuevo', pageSize: 15 });
      const second = await list({ status: 'nuevo', pageSize: 15, cursor: first.nextCursor! });
      expect(second.items.every((lead) => lead.status === 'nuevo')).toBe(true);
      expect(second.items).toHaveLength(5);
      expect(second.nextCursor).toBeNull();
      const withTotal = await list({
        status: 'nuevo',
        pageSize: 15,
        cursor: first.nextCursor!,
        withTotal: true,
      });
      expect(withTotal.total).toBe(20);
      for (const query of [
        { cursor: 'not-a-cursor' },
        { cursor: first.nextCursor!, sort: 'name' as const },
        { cursor: Buffer.from('{"s":"newest","k":["x","y"]}').toString('base64url') },
        { cursor: first.nextCursor!, page: 2 },
      ]) {
        expect((await rpcError(list(query))).code).toBe('VALIDATION');
      }
    });

    it('still pages by number for the existing list (page, total)', async () => {
      const page2 = await list({ page: 2, pageSize: 25 });
      expect([page2.page, page2.pageSize, page2.total, page2.items.length]).toEqual([2, 25, 60, 25]);
      const all = names(await list());
      expect(names(page2)).toEqual(all.slice(25, 50));
    });

    it('searches in the default order page by page: the same leads and order as the list, by cursor or page number', async () => {
      const all = (await list()).items;
      const walked: string[] = [];
      let page = await list({ search: 'Lead', pageSize: 7, withTotal: false });
      walked.push(...names(page));
      while (page.nextCursor) {
        page = await list({ search: 'Lead', pageSize: 7, cursor: page.nextCursor });
        walked.push(...names(page));
      }
      // Up to ten leads share a created_at: the order and the cursor break ties by id, as the list does.
      expect(walked).toEqual(all.map((lead) => lead.name));
      const correo2 = all.filter((lead) => lead.email?.endsWith('@correo2.mx')).map((lead) => lead.name);
      expect(correo2).toHaveLength(20);
      expect(names(await list({ search: '@correo2.mx', pageSize: 20, withTotal: false }))).toEqual(correo2);
      const second = await list({ search: '@correo2.mx', pageSize: 6, page: 2 });
      expect([second.total, names(second)]).toEqual([20, correo2.slice(6, 12)]);
      const third = await list({ search: 'Lead', pageSize: 6, page: 3, withTotal: false });
      expect(names(third)).toEqual(all.slice(12, 18).map((lead) => lead.name));
      const closers = all
        .filter((lead) => lead.assignedUserId === team.users.closer.id)
        .map((lead) => lead.name);
      expect(closers).toHaveLength(12);
      expect(names(await list({ search: 'Lead', viewer: viewer(team, 'closer') }))).toEqual(closers);
      expect(names(await list({ search: 'Lead', assignedUserId: team.users.closer.id }))).toEqual(closers);
      expect(names(await list({ search: 'Lead', viewer: viewer(team, 'setter') }))).toEqual([]);
    });

    it("finds a reassigned lead in its new seller's search, and no longer in the old one's", async () => {
      const team2 = await createTestTenant(crm.db, 'Reasignación');
      const lead = await create(team2, 'Úrsula Reasignada', team2.users.setter.id);
      const search = async (role: Role) =>
        names(
          await crm.rpc.call(Rpc.crm.listLeads, {
            tenantId: team2.tenantId,
            search: 'Úrsula Re',
            viewer: viewer(team2, role),
          }),
        );
      expect([await search('setter'), await search('closer')]).toEqual([['Úrsula Reasignada'], []]);
      await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: team2.tenantId,
        leadId: lead.id,
        viewer: viewer(team2, 'ceo'),
        assignedUserId: team2.users.closer.id,
      });
      expect([await search('setter'), await search('closer')]).toEqual([[], ['Úrsula Reasignada']]);
    });

    it('searches by name fragment, phone digits (any writing) and email', async () => {
      expect(names(await list({ search: 'ead 4', sort: 'name' }))).toEqual([
        'Lead 40',
        'Lead 41',
        'Lead 42',
        'Lead 43',
        'Lead 44',
        'Lead 45',
        'Lead 46',
        'Lead 47',
        'Lead 48',
        'Lead 49',
      ]);
      expect(names(await list({ search: '55 70 000 017' }))).toEqual(['Lead 17']);
      expect(names(await list({ search: '000017' }))).toEqual(['Lead 17']);
      expect((await list({ search: '@correo2.mx' })).total).toBe(20);
      expect((await list({ search: 'LEAD17@' })).items.map((lead) => lead.email)).toEqual([
        'lead17@correo2.mx',
      ]);
      expect((await list({ search: 'nadie-así' })).total).toBe(0);
    });

    it("never returns another tenant's lead that matches the search", async () => {
      // Same name fragment, phone and email as team's Lead 17, in another tenant.
      await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, email, lead_source)
         VALUES ($1, 'Lead 17 de otro equipo', '+5215570000017', 'lead17@correo2.mx', 'MANUAL')`,
        [other.tenantId],
      );
      for (const search of ['Lead 17', '000017', 'lead17@', 'de otro equipo']) {
        const page = await list({ search });
        expect({ search, names: names(page) }).toEqual({
          search,
          names: search === 'de otro equipo' ? [] : ['Lead 17'],
        });
      }
      const theirs = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: other.tenantId, search: '000017' });
      expect(names(theirs)).toEqual(['Lead 17 de otro equipo']);
    });

    it('finds a lead by its new name, email and phone after a PATCH, and no longer by the old ones', async () => {
      const lead = await create(tenant, 'Zacarías Búsqueda');
      const before = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, search: 'Zacarías' });
      expect(before.items.map((item) => item.id)).toEqual([lead.id]);
      await crm.rpc.call(Rpc.crm.updateLead, {
        tenantId: tenant.tenantId,
        leadId: lead.id,
        viewer: viewer(tenant, 'ceo'),
        name: 'Zenón Renombrado',
        email: 'zenon.renombrado@example.com',
        phone: '+5215599887766',
      });
      const search = async (text: string) =>
        (await crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, search: text })).items.map(
          (item) => item.id,
        );
      expect(await search('Zacarías')).toEqual([]);
      expect(await search('Zenón Ren')).toEqual([lead.id]);
      expect(await search('zenon.renombrado@')).toEqual([lead.id]);
      expect(await search('99 88 77 66')).toEqual([lead.id]);
    });

    it('answers a search matching more leads than the id lookup takes, exactly', async () => {
      const crowd = await createTestTenant(crm.db, 'Multitud');
      await crm.db.query(
        `INSERT INTO crm.leads (tenant_id, name, phone, lead_source, created_at)
         SELECT $1, CASE WHEN g % 2 = 0 THEN 'Común ' ELSE 'Raro ' END || g, '+52155' || lpad(g::text, 8, '0'),
                'MANUAL', now() - g * interval '1 second'
           FROM generate_series(1, 12001) g`,
        [crowd.tenantId],
      );
      // The first three leads as the list shows them: the total, whether it stopped at the cap, the names.
      const firstThree = async (filters: Omit<ListLeadsRequest, 'tenantId' | 'pageSize'>) => {
        const page = await crm.rpc.call(Rpc.crm.listLeads, {
          tenantId: crowd.tenantId,
          pageSize: 3,
          ...filters,
        });
        return [page.total, page.totalCapped, names(page)];
      };
      expect(await firstThree({ search: 'omún' })).toEqual([6000, false, ['Común 2', 'Común 4', 'Común 6']]);
      // More than LIST_TOTAL_CAP leads: the count stops at the cap and says so.
      expect(await firstThree({})).toEqual([LIST_TOTAL_CAP, true, ['Raro 1', 'Común 2', 'Raro 3']]);
      // A search matching more than the cap (every phone has 52155): "more than" from the trigram lookup alone, and
      // with another filter beside it, from the capped count.
      expect(await firstThree({ search: '52155' })).toEqual([
        LIST_TOTAL_CAP,
        true,
        ['Raro 1', 'Común 2', 'Raro 3'],
      ]);
      const [filteredTotal, filteredCapped] = await firstThree({ search: '52155', source: 'MANUAL' });
      expect([filteredTotal, filteredCapped]).toEqual([LIST_TOTAL_CAP, true]);
      const rare = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: crowd.tenantId, search: 'aro 1200' });
      expect([rare.total, names(rare)]).toEqual([1, ['Raro 12001']]);
    });
  });
});
