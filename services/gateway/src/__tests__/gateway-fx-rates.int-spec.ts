import request from 'supertest';
import type { FxRateView, Role } from '@crm/contracts';
import type { ServiceHandle } from '@crm/testing';
import type { Client } from 'pg';
import {
  connectDatabase,
  loginAgent,
  seedTenant,
  startCrmService,
  startMarketingService,
  startTestGateway,
  type Agent,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

describe('gateway: dated exchange rates (real crm-service and marketing-service)', () => {
  let crm: ServiceHandle;
  let marketing: ServiceHandle;
  let gateway: TestGateway;
  let db: Client;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const agents = {} as Record<Role | 'other', Agent>;

  beforeAll(async () => {
    db = await connectDatabase();
    [crm, marketing, gateway] = await Promise.all([
      startCrmService(),
      startMarketingService(),
      startTestGateway(),
    ]);
    tenant = await seedTenant(db, 'Inmobiliaria Cambio');
    other = await seedTenant(db, 'Inmobiliaria Ajena');
    const login = (who: SeededTenant, role: Role) => loginAgent(gateway, who.users[role]);
    agents.ceo = await login(tenant, 'ceo');
    agents.professional = await login(tenant, 'professional');
    agents.setter = await login(tenant, 'setter');
    agents.other = await login(other, 'ceo');
  });

  /** What the browser sends with a same-site request (a DELETE or a CSV upload has no JSON body). */
  const sameSite = (test: request.Test) =>
    test.set('Origin', gateway.baseUrl).set('Sec-Fetch-Site', 'same-origin');

  afterAll(async () => {
    await gateway?.close();
    await Promise.allSettled([crm?.stop(), marketing?.stop()]);
    await db?.end();
  });

  it('the ceo puts a rate, replaces it on the same day, lists and deletes it; others read or nothing', async () => {
    const first = await agents.ceo
      .put('/crm/marketing/fx-rates')
      .send({ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 18.1 })
      .expect(200);
    expect(first.body).toMatchObject({ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 18.1 });
    const replaced = await agents.ceo
      .put('/crm/marketing/fx-rates')
      .send({ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 17.95 })
      .expect(200);
    expect(replaced.body.id).toBe(first.body.id);

    const listed = await agents.professional
      .get('/crm/marketing/fx-rates')
      .query({ from: 'USD' })
      .expect(200);
    expect((listed.body as FxRateView[]).map((r) => [r.day, r.rate])).toEqual([['2026-01-01', 17.95]]);
    expect((await agents.other.get('/crm/marketing/fx-rates').expect(200)).body).toEqual([]);

    await agents.professional
      .put('/crm/marketing/fx-rates')
      .send({ day: '2026-01-02', from: 'USD', to: 'MXN', rate: 18 })
      .expect(403);
    await agents.setter.get('/crm/marketing/fx-rates').expect(403);
    await sameSite(agents.other.delete(`/crm/marketing/fx-rates/${first.body.id}`)).expect(404);
    await sameSite(agents.ceo.delete(`/crm/marketing/fx-rates/${first.body.id}`)).expect(200);
    await sameSite(agents.ceo.delete(`/crm/marketing/fx-rates/${first.body.id}`)).expect(404);
  });

  it('refuses bad rates with a 400 that names the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ day: '2026-02-30', from: 'USD', to: 'MXN', rate: 18 }, 'day'],
      [{ day: '2026-01-01', from: 'usd', to: 'MXN', rate: 18 }, 'from'],
      [{ day: '2026-01-01', from: 'USD', to: 'USD', rate: 1 }, 'differ'],
      [{ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 0 }, 'rate'],
      [{ day: '2026-01-01', from: 'USD', to: 'MXN', rate: 'diez' }, 'rate'],
    ];
    for (const [body, mention] of cases) {
      const response = await agents.ceo.put('/crm/marketing/fx-rates').send(body).expect(400);
      expect(JSON.stringify(response.body)).toContain(mention);
    }
  });

  it('imports a CSV all or nothing, and says which line is wrong', async () => {
    const csv = (text: string) =>
      sameSite(agents.ceo.post('/crm/marketing/fx-rates/import')).set('Content-Type', 'text/csv').send(text);
    const ok = await csv('day;from;to;rate\n2026-03-01;EUR;MXN;19,75\n2026-03-02;EUR;MXN;19,80\n\n').expect(
      200,
    );
    expect(ok.body).toEqual({ imported: 2, updated: 0 });
    const again = await csv('day,from,to,rate\n2026-03-02,EUR,MXN,19.9\n2026-03-03,EUR,MXN,20\n').expect(200);
    expect(again.body).toEqual({ imported: 1, updated: 1 });

    const bad = await csv('day,from,to,rate\n2026-03-04,EUR,MXN,20\n2026-03-05,EUR,MXN,-1\n').expect(400);
    expect(bad.body.message).toContain('line 3');
    const header = await csv('fecha,de,a,tipo\n2026-03-04,EUR,MXN,20\n').expect(400);
    expect(header.body.message).toContain('day, from, to, rate');
    await sameSite(agents.ceo.post('/crm/marketing/fx-rates/import'))
      .set('Content-Type', 'text/csv')
      .send(Buffer.from([0x64, 0x61, 0x79, 0xe9, 0x0a]))
      .expect(400);
    await sameSite(agents.professional.post('/crm/marketing/fx-rates/import'))
      .set('Content-Type', 'text/csv')
      .send('day,from,to,rate\n2026-03-04,EUR,MXN,20\n')
      .expect(403);

    const listed = await agents.ceo
      .get('/crm/marketing/fx-rates')
      .query({ from: 'EUR', to: 'MXN' })
      .expect(200);
    expect((listed.body as FxRateView[]).map((r) => [r.day, r.rate])).toEqual([
      ['2026-03-03', 20],
      ['2026-03-02', 19.9],
      ['2026-03-01', 19.75],
    ]);
  });
});
