import request from 'supertest';
import type { Client } from 'pg';
import type { ServiceHandle } from '@crm/testing';
import type { LeadDetail, LeadPage, LeadView, Role } from '@crm/contracts';
import {
  ROLES,
  TEST_PASSWORD,
  connectDatabase,
  seedLead,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

describe('gateway: leads a team works (PATCH, visibility per role, list query)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const leadOf = {} as Record<Role, string>;
  let foreignLead: string;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Equipo HTTP');
    other = await seedTenant(db, 'Otro equipo');
    for (const role of ROLES) {
      leadOf[role] = await seedLead(db, tenant.tenantId, `Lead de ${role}`);
      await db.query(`UPDATE crm.leads SET assigned_user_id = $2 WHERE id = $1`, [
        leadOf[role],
        tenant.users[role].id,
      ]);
    }
    foreignLead = await seedLead(db, other.tenantId, 'Lead ajeno');
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  async function loginAs(t: SeededTenant, role: Role) {
    const agent = request.agent(gateway.server);
    await agent
      .post('/crm/auth/login')
      .send({ email: t.users[role].email, password: TEST_PASSWORD })
      .expect(200);
    return agent;
  }

  it.each(['setter', 'closer'] as const)(
    'a %s lists, reads and changes only the leads assigned to them (404 for a teammate’s)',
    async (role) => {
      const agent = await loginAs(tenant, role);
      const page = (await agent.get('/crm/leads').expect(200)).body as LeadPage;
      expect(page.items.map((lead) => lead.id)).toEqual([leadOf[role]]);
      expect(page.total).toBe(1);
      const teammate = role === 'setter' ? leadOf.closer : leadOf.setter;
      await agent.get(`/crm/leads/${teammate}`).expect(404);
      await agent.patch(`/crm/leads/${teammate}`).send({ notes: 'no es mío' }).expect(404);
      await agent.patch(`/crm/leads/${teammate}/status`).send({ status: 'contactado' }).expect(404);
      const own = (await agent.get(`/crm/leads/${leadOf[role]}`).expect(200)).body as LeadDetail;
      expect(own.assignedUserId).toBe(tenant.users[role].id);
      const patched = await agent
        .patch(`/crm/leads/${leadOf[role]}`)
        .send({ notes: `nota de ${role}`, tags: [role] })
        .expect(200);
      expect(patched.body).toMatchObject({ notes: `nota de ${role}`, tags: [role] });
    },
  );

  it.each(['ceo', 'professional'] as const)(
    'a %s sees and changes every lead of the tenant',
    async (role) => {
      const agent = await loginAs(tenant, role);
      const page = (await agent.get('/crm/leads').query({ pageSize: 100 }).expect(200)).body as LeadPage;
      expect(page.items.map((lead) => lead.id).sort()).toEqual(Object.values(leadOf).sort());
      await agent.get(`/crm/leads/${leadOf.setter}`).expect(200);
      const renamed = await agent
        .patch(`/crm/leads/${leadOf.setter}`)
        .send({ name: `Renombrado por ${role}` })
        .expect(200);
      expect((renamed.body as LeadView).name).toBe(`Renombrado por ${role}`);
      await agent.get(`/crm/leads/${foreignLead}`).expect(404);
      await agent.patch(`/crm/leads/${foreignLead}`).send({ name: 'Robado' }).expect(404);
    },
  );

  it('PATCHes every field, normalising the phone, and reassigns to a teammate', async () => {
    const agent = await loginAs(tenant, 'ceo');
    const lead = await seedLead(db, tenant.tenantId, 'Completo');
    const response = await agent
      .patch(`/crm/leads/${lead}`)
      .send({
        name: 'Completo Editado',
        email: 'Completo@Example.com',
        phone: '+52 55 7000 1234',
        assignedUserId: tenant.users.closer.id,
        status: 'negociacion',
        notes: 'Quiere dos departamentos',
        tags: ['vip', 'referido'],
      })
      .expect(200);
    expect(response.body).toMatchObject({
      id: lead,
      name: 'Completo Editado',
      email: 'completo@example.com',
      phone: '+5215570001234',
      assignedUserId: tenant.users.closer.id,
      status: 'negociacion',
      notes: 'Quiere dos departamentos',
      tags: ['vip', 'referido'],
    });
    const closer = await loginAs(tenant, 'closer');
    await closer.get(`/crm/leads/${lead}`).expect(200);
  });

  it('answers 409 naming the lead that already has the phone, 404/400 for a bad assignee, 400 for bad fields', async () => {
    const agent = await loginAs(tenant, 'ceo');
    const owner = (
      await agent
        .post('/crm/leads')
        .send({ name: 'Tiene el número', phone: '+5215570009999', leadSource: 'MANUAL' })
        .expect(201)
    ).body as LeadView;
    const conflict = await agent
      .patch(`/crm/leads/${leadOf.ceo}`)
      .send({ phone: '+52 55 7000 9999' })
      .expect(409);
    expect(conflict.body).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'phone', leadId: owner.id, leadName: 'Tiene el número' },
    });
    expect(conflict.body.message).toContain(owner.id);
    expect(conflict.body.message).toContain('Tiene el número');

    const foreignUser = await agent
      .patch(`/crm/leads/${leadOf.ceo}`)
      .send({ assignedUserId: other.users.setter.id })
      .expect(404);
    expect(foreignUser.body.code).toBe('NOT_FOUND');
    await db.query(`UPDATE crm.users SET active = false WHERE id = $1`, [tenant.users.professional.id]);
    try {
      const inactive = await agent
        .patch(`/crm/leads/${leadOf.ceo}`)
        .send({ assignedUserId: tenant.users.professional.id })
        .expect(400);
      expect(inactive.body.message).toBe('assigned user is deactivated');
    } finally {
      await db.query(`UPDATE crm.users SET active = true WHERE id = $1`, [tenant.users.professional.id]);
    }
    for (const body of [
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { status: 'ganado' },
      { phone: 'abc' },
      { tenantId: other.tenantId },
      { leadId: leadOf.setter },
      { viewer: { userId: tenant.users.ceo.id, role: 'ceo' } },
    ]) {
      const bad = await agent.patch(`/crm/leads/${leadOf.ceo}`).send(body).expect(400);
      expect(bad.body.code).toBe('VALIDATION');
    }
    await agent.patch('/crm/leads/not-a-uuid').send({ name: 'x' }).expect(400);
    await agent
      .patch(`/crm/leads/${leadOf.ceo}`)
      .set('Content-Type', 'text/plain')
      .send('{"name":"x"}')
      .expect(415);
  });

  it('passes filters, sort and the keyset cursor through, and rejects bad query values with 400', async () => {
    const agent = await loginAs(tenant, 'ceo');
    const tagged = (await agent.get('/crm/leads').query({ tag: 'setter' }).expect(200)).body as LeadPage;
    expect(tagged.items.map((lead) => lead.id)).toEqual([leadOf.setter]);
    const mine = (
      await agent
        .get('/crm/leads')
        .query({ assignedUserId: tenant.users.closer.id, sort: 'name' })
        .expect(200)
    ).body as LeadPage;
    expect(mine.items.map((lead) => lead.assignedUserId)).toEqual(
      mine.items.map(() => tenant.users.closer.id),
    );
    const first = (await agent.get('/crm/leads').query({ pageSize: 2, withTotal: 'false' }).expect(200))
      .body as LeadPage;
    expect(first.total).toBeNull();
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await agent.get('/crm/leads').query({ pageSize: 2, cursor: first.nextCursor }).expect(200)
    ).body as LeadPage;
    expect(second.items.map((lead) => lead.id)).not.toContain(first.items[0].id);
    for (const query of [
      { sort: 'random' },
      { cursor: 'garbage' },
      { createdFrom: 'ayer' },
      { withTotal: 'maybe' },
      { assignedUserId: 'nope' },
      { page: 2, cursor: first.nextCursor },
    ]) {
      const bad = await agent.get('/crm/leads').query(query).expect(400);
      expect(bad.body.code).toBe('VALIDATION');
    }
    // Too deep for offset paging (page × pageSize over 10,000 rows): a 400 that points to the cursor.
    const deep = await agent.get('/crm/leads').query({ page: 101, pageSize: 100 }).expect(400);
    expect(deep.body).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
    expect(deep.body.message).toContain(
      'page × pageSize may reach at most 10,000 rows (asked 101 × 100): narrow the filters, or page with `cursor` where the list offers it (leads)',
    );
    await agent.get('/crm/leads').query({ page: 100, pageSize: 100 }).expect(200);
  });

  it('gives a lead a setter types in to that setter; a ceo’s goes to the setters’ rotation', async () => {
    const setter = await loginAs(tenant, 'setter');
    const typed = (
      await setter
        .post('/crm/leads')
        .send({ name: 'Tecleado por setter', phone: '+5215570004444', leadSource: 'MANUAL' })
        .expect(201)
    ).body as LeadView;
    expect(typed.assignedUserId).toBe(tenant.users.setter.id);
    const ceo = await loginAs(tenant, 'ceo');
    const rotated = (
      await ceo
        .post('/crm/leads')
        .send({ name: 'Tecleado por ceo', phone: '+5215570005555', leadSource: 'MANUAL' })
        .expect(201)
    ).body as LeadView;
    expect(rotated.assignedUserId).toBe(tenant.users.setter.id); // the tenant's only active setter
  });
});
