import request from 'supertest';
import type { LeadImportUpload, LeadImportView, Role } from '@crm/contracts';
import { waitFor, type ServiceHandle } from '@crm/testing';
import type { Client } from 'pg';
import {
  ROLES,
  TEST_PASSWORD,
  connectDatabase,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

type Agent = ReturnType<typeof request.agent>;

describe('gateway: CSV import of leads (real crm-service)', () => {
  let crm: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const agents = {} as Record<Role, Agent>;
  let otherCeo: Agent;
  const block = String(Math.floor(Math.random() * 90) + 10);

  const login = async (agent: Agent, email: string) =>
    agent.post('/crm/auth/login').send({ email, password: TEST_PASSWORD }).expect(200);

  const upload = (agent: Agent, body: Buffer | string, type = 'text/csv') =>
    agent
      .post('/crm/leads/imports?fileName=clientes.csv')
      .set('Origin', gateway.baseUrl)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Content-Type', type)
      .send(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, gateway] = await Promise.all([startCrmService(), startTestGateway()]);
    tenant = await seedTenant(db, 'Importadora Gateway');
    other = await seedTenant(db, 'Ajena');
    for (const role of ROLES) {
      agents[role] = request.agent(gateway.server);
      await login(agents[role], tenant.users[role].email);
    }
    otherCeo = request.agent(gateway.server);
    await login(otherCeo, other.users.ceo.email);
    await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, lead_source) VALUES ($1, 'Cliente Existente', $2, 'MANUAL')`,
      [tenant.tenantId, `+52155${block}000003`],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await crm?.stop();
    await db?.end();
  });

  it('uploads, maps, runs and reports the rejected rows as a CSV Excel opens', async () => {
    const csv =
      '\uFEFFNombre;Teléfono;Correo;Notas\r\n' +
      `José Núñez;55 ${block}00 0001;jose@example.com;"dice ""hola""; llamar"\r\n` +
      `María;55 ${block}00 0002;maria@example.com;\r\n` +
      `Homónimo;55 ${block}00 0003;;\r\n` +
      `;55 ${block}00 0004;;\r\n` +
      `María otra vez;55 ${block}00 0005;MARIA@example.com;\r\n` +
      `=HYPERLINK("x");55 ${block}00 0006;nope;\r\n`;
    const uploaded = await upload(agents.ceo, csv).expect(201);
    const body = uploaded.body as LeadImportUpload;
    expect(body.import).toMatchObject({
      status: 'uploaded',
      fileName: 'clientes.csv',
      header: ['Nombre', 'Teléfono', 'Correo', 'Notas'],
      totalRows: 6,
    });
    expect(body.preview[0]).toEqual([
      'José Núñez',
      `55 ${block}00 0001`,
      'jose@example.com',
      'dice "hola"; llamar',
    ]);

    const id = body.import.id;
    await agents.ceo
      .post(`/crm/leads/imports/${id}/start`)
      .send({ mapping: { name: 0, phone: 1, email: 2, notes: 3 } })
      .expect(200);
    const done = await waitFor(
      async () => {
        const view = (await agents.ceo.get(`/crm/leads/imports/${id}`).expect(200)).body as LeadImportView;
        return view.status === 'done' ? view : undefined;
      },
      { what: 'the import to finish', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(done).toMatchObject({ processedRows: 6, created: 2, duplicates: 2, rejected: 2 });

    const es = await agents.ceo.get(`/crm/leads/imports/${id}/rejects.csv`).buffer(true).expect(200);
    expect(es.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(es.headers['content-disposition']).toBe(`attachment; filename="rechazados-${id.slice(0, 8)}.csv"`);
    const text = Buffer.from(es.text, 'utf8').toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n')).toEqual([
      'Fila,Motivo,Nombre,Teléfono,Correo,Notas',
      `4,Duplicado del lead Cliente Existente,Homónimo,55 ${block}00 0003,,`,
      `5,Falta el nombre,,55 ${block}00 0004,,`,
      `6,Duplicado de la fila 3 del archivo,María otra vez,55 ${block}00 0005,MARIA@example.com,`,
      `7,El correo no es válido,"'=HYPERLINK(""x"")",55 ${block}00 0006,nope,`,
      '',
    ]);
    const en = await agents.ceo.get(`/crm/leads/imports/${id}/rejects.csv?lang=en`).buffer(true).expect(200);
    expect(en.text).toContain('Row,Reason,Nombre');
    expect(en.text).toContain('Duplicate of lead Cliente Existente');

    const list = await agents.professional.get('/crm/leads/imports').expect(200);
    expect((list.body as LeadImportView[])[0]).toMatchObject({
      id,
      status: 'done',
      createdByName: expect.any(String),
    });
    await otherCeo.get(`/crm/leads/imports/${id}`).expect(404);
    await otherCeo.get(`/crm/leads/imports/${id}/rejects.csv`).expect(404);
  });

  it('answers 400 with a reason to a Latin-1 file, 200 columns, no rows, a quote that never closes', async () => {
    const latin1 = Buffer.from(`Nombre,Teléfono\r\nJosé Peña,5512345678\r\n`, 'latin1');
    const notUtf8 = await upload(agents.ceo, latin1).expect(400);
    expect(notUtf8.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'not_utf8' } });
    expect(notUtf8.body.message).toMatch(/not UTF-8/);

    const wide = Array.from({ length: 200 }, (_, i) => `c${i}`).join(',');
    const tooWide = await upload(agents.ceo, `${wide}\n${wide}\n`).expect(400);
    expect(tooWide.body).toMatchObject({ details: { reason: 'too_many_columns', columns: 200, max: 100 } });

    expect((await upload(agents.ceo, 'Nombre,Teléfono\r\n').expect(400)).body.details.reason).toBe('no_rows');
    expect((await upload(agents.ceo, '').expect(400)).body.details.reason).toBe('empty');
    const broken = await upload(agents.ceo, 'Nombre,Notas\nAna,"sin cerrar\nBeto,x\n').expect(400);
    expect(broken.body.details.reason).toBe('malformed');
  });

  it('answers 413 to more than 5 MB and 400 to more than 20,000 rows', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
    const tooLarge = await upload(agents.ceo, big).expect(413);
    expect(tooLarge.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'too_large' } });
    expect(tooLarge.body.message).toMatch(/5 MB/);
    const rows = Array.from({ length: 20_001 }, (_, i) => `P${i},55${i}`).join('\n');
    const tooMany = await upload(agents.ceo, `Nombre,Tel\n${rows}\n`).expect(400);
    expect(tooMany.body).toMatchObject({ details: { reason: 'too_many_rows', rows: 20_001, max: 20_000 } });
  });

  it('only ceo and professional import; other media types and other sites are refused', async () => {
    await upload(agents.setter, 'Nombre,Tel\nAna,5512345678\n').expect(403);
    await upload(agents.closer, 'Nombre,Tel\nAna,5512345678\n').expect(403);
    await agents.setter.get('/crm/leads/imports').expect(403);
    await upload(agents.ceo, 'Nombre,Tel\nAna,5512345678\n', 'text/plain').expect(415);
    await agents.ceo
      .post('/crm/leads')
      .set('Content-Type', 'text/csv')
      .send('Nombre,Tel\nAna,5512345678\n')
      .expect(415);
    await agents.ceo
      .post('/crm/leads/imports')
      .set('Origin', 'https://evil.example')
      .set('Content-Type', 'text/csv')
      .send('Nombre,Tel\nAna,5512345678\n')
      .expect(403);
    // Without Origin or Sec-Fetch-Site a body must still be JSON.
    await agents.ceo
      .post('/crm/leads/imports')
      .set('Content-Type', 'text/csv')
      .send('Nombre,Tel\nAna,5512345678\n')
      .expect(403);
  });
});
