import { randomBytes, randomInt } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { connect, type NatsConnection } from 'nats';
import type { Client } from 'pg';
import { Rpc } from '@crm/contracts';
import type { ServiceHandle } from '@crm/testing';
import type { ActiveSession } from '@crm/contracts';
import { LOGIN_LIMITS } from '../auth/login-limiter';
import { CONFIRMED_ACCESS_TTL_MS, USER_ACCESS_TTL_MS } from '../auth/user-access';
import {
  TEST_PASSWORD,
  connectDatabase,
  seedTenant,
  startCrmService,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const limitOf = (name: string) => LOGIN_LIMITS.find((limit) => limit.name === name)!.limit;
/** A random client network per run (counters in the shared Redis outlive a run). */
const net = () => `10.${randomInt(1, 255)}.${randomInt(0, 255)}`;

describe('gateway: server-side sessions and the shared login limiter (real crm-service, Redis)', () => {
  let crm: ServiceHandle;
  /** Two replicas behind a proxy, sharing Redis (as in production); `second` did not make the changes. */
  let first: TestGateway;
  let second: TestGateway;
  let db: Client;
  let tenant: SeededTenant;

  beforeAll(async () => {
    db = await connectDatabase();
    const env = { TRUST_PROXY: 'loopback', REDIS_URL, SESSION_SECRET: randomBytes(32).toString('base64url') };
    [crm, first, second] = await Promise.all([
      startCrmService(),
      startTestGateway(env),
      startTestGateway(env),
    ]);
    tenant = await seedTenant(db, 'Sesiones');
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await crm?.stop();
    await db?.end();
  });

  const sameOrigin = (gateway: TestGateway, r: request.Test) =>
    r.set('Origin', gateway.config.PUBLIC_URL).set('Sec-Fetch-Site', 'same-origin');

  /** Sign in on `gateway`; answers the `crm_session=…` cookie (usable on either replica: one SESSION_SECRET). */
  async function login(
    gateway: TestGateway,
    email: string,
    password = TEST_PASSWORD,
    userAgent = 'supertest',
  ): Promise<string> {
    const response = await request(gateway.server)
      .post('/crm/auth/login')
      .set('X-Forwarded-For', `${net()}.1`)
      .set('User-Agent', userAgent)
      .send({ email, password })
      .expect(200);
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    return setCookie.find((c) => c.startsWith('crm_session='))!.split(';')[0];
  }
  const me = (gateway: TestGateway, cookie: string) =>
    request(gateway.server).get('/crm/auth/me').set('Cookie', cookie);

  /** Poll until `gateway` refuses `cookie`; answers the milliseconds it took. */
  async function msUntilRefused(gateway: TestGateway, cookie: string): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < 10_000) {
      if ((await me(gateway, cookie)).status === 401) return Date.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Infinity;
  }

  it('logout revokes the session: 401 at once on that replica, within 5 s on another', async () => {
    const cookie = await login(first, tenant.users.closer.email);
    await me(first, cookie).expect(200);
    await me(second, cookie).expect(200); // the second replica has the session cached as live now
    await sameOrigin(first, request(first.server).post('/crm/auth/logout').set('Cookie', cookie)).expect(204);
    const refused = await me(first, cookie).expect(401);
    expect(refused.body).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'this session has ended; sign in again',
    });
    const ms = await msUntilRefused(second, cookie);
    expect(ms).toBeLessThanOrEqual(USER_ACCESS_TTL_MS + 500);
    // A new sign-in of the same user works on both.
    const again = await login(second, tenant.users.closer.email);
    await me(first, again).expect(200);
  });

  it('logout-everywhere ends every session of the user, and only theirs', async () => {
    const email = tenant.users.setter.email;
    const [laptop, phone] = [await login(first, email), await login(first, email)];
    const colleague = await login(first, tenant.users.ceo.email);
    await me(first, phone).expect(200);
    await sameOrigin(
      first,
      request(first.server).post('/crm/auth/logout-everywhere').set('Cookie', laptop),
    ).expect(204);
    await me(first, laptop).expect(401);
    await me(first, phone).expect(401);
    await me(first, colleague).expect(200);
    const live = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM crm.sessions WHERE user_id = $1 AND revoked_at IS NULL`,
      [tenant.users.setter.id],
    );
    expect(live.rows[0]!.n).toBe(0);
  });

  it("a password change ends the user's other sessions, not the one that made it", async () => {
    const ceo = tenant.users.ceo;
    const [here, there] = [await login(first, ceo.email), await login(first, ceo.email)];
    await me(first, there).expect(200);
    await sameOrigin(
      first,
      request(first.server)
        .patch(`/crm/users/${ceo.id}`)
        .set('Cookie', here)
        .send({ password: 'ventas-2026-luna' }),
    ).expect(200);
    await me(first, here).expect(200);
    await me(first, there).expect(401);
    await login(first, ceo.email, 'ventas-2026-luna');
  });

  it('deactivating a user ends their sessions', async () => {
    const ceo = await login(first, tenant.users.ceo.email, 'ventas-2026-luna');
    const professional = await login(first, tenant.users.professional.email);
    await sameOrigin(
      first,
      request(first.server)
        .patch(`/crm/users/${tenant.users.professional.id}`)
        .set('Cookie', ceo)
        .send({ active: false }),
    ).expect(200);
    await me(first, professional).expect(401);
    // Reactivated, the old session stays ended: the user signs in again.
    await sameOrigin(
      first,
      request(first.server)
        .patch(`/crm/users/${tenant.users.professional.id}`)
        .set('Cookie', ceo)
        .send({ active: true }),
    ).expect(200);
    await me(first, professional).expect(401);
  });

  describe('active sessions: GET /crm/auth/sessions and DELETE /crm/auth/sessions/:id', () => {
    const LAPTOP =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';
    const PHONE =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36';
    /** The server-side session id (`sid`) of a cookie. */
    const sid = (cookie: string) =>
      (new JwtService({}).decode(cookie.replace('crm_session=', '')) as { sid: string }).sid;
    const list = async (gateway: TestGateway, cookie: string) =>
      (await request(gateway.server).get('/crm/auth/sessions').set('Cookie', cookie).expect(200))
        .body as ActiveSession[];
    const revoke = (gateway: TestGateway, cookie: string, id: string) =>
      sameOrigin(gateway, request(gateway.server).delete(`/crm/auth/sessions/${id}`).set('Cookie', cookie));

    it("lists only the caller's own live sessions, marks the current one, and revokes one (within 5 s)", async () => {
      const own = await seedTenant(db, 'Sesiones propias');
      const other = await seedTenant(db, 'Sesiones ajenas');
      const laptop = await login(first, own.users.closer.email, TEST_PASSWORD, LAPTOP);
      const phone = await login(first, own.users.closer.email, TEST_PASSWORD, PHONE);
      const colleague = await login(first, own.users.ceo.email);
      const stranger = await login(first, other.users.closer.email);

      const sessions = await list(first, laptop);
      expect(sessions.map((s) => s.id).sort()).toEqual([sid(laptop), sid(phone)].sort());
      const current = sessions.find((s) => s.current)!;
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      expect(current).toMatchObject({ id: sid(laptop), userAgent: LAPTOP });
      // The request that listed was checked: its session was seen now.
      expect(Date.parse(current.lastSeenAt!)).toBeGreaterThan(Date.now() - 60_000);
      expect(Date.parse(current.expiresAt)).toBeGreaterThan(Date.parse(current.createdAt));
      expect(sessions.find((s) => s.id === sid(phone))).toMatchObject({ current: false, userAgent: PHONE });
      // Another tenant's user sees only their own.
      expect((await list(first, stranger)).map((s) => s.id)).toEqual([sid(stranger)]);

      await me(first, phone).expect(200);
      await me(second, phone).expect(200); // cached as live on the replica that will not make the change
      await revoke(first, laptop, sid(phone)).expect(204);
      await me(first, phone).expect(401);
      expect(await msUntilRefused(second, phone)).toBeLessThanOrEqual(USER_ACCESS_TTL_MS + 500);
      await me(first, laptop).expect(200);
      expect((await list(first, laptop)).map((s) => s.id)).toEqual([sid(laptop)]);

      // Someone else's session, of this tenant or another, is not found and stays live; so is an ended one.
      for (const id of [sid(colleague), sid(stranger), sid(phone)]) {
        const refused = await revoke(first, laptop, id).expect(404);
        expect(refused.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      await me(first, colleague).expect(200);
      await me(first, stranger).expect(200);
      await revoke(first, laptop, 'not-a-session').expect(400);
      await request(first.server).get('/crm/auth/sessions').expect(401);
    });

    it('ending the current session clears its cookie', async () => {
      const cookie = await login(first, tenant.users.closer.email);
      const ended = await revoke(first, cookie, sid(cookie)).expect(204);
      const setCookie = ([] as string[]).concat(ended.headers['set-cookie'] ?? []);
      expect(setCookie.find((c) => c.startsWith('crm_session='))).toMatch(/crm_session=;/);
      await me(first, cookie).expect(401);
    });
  });

  it('deactivation, logout-everywhere and a demotion reach a replica that cached the session within 5 s', async () => {
    // Its own tenant: the tests above changed the shared one's passwords and sessions.
    const team = await seedTenant(db, 'Sesiones réplica');
    const ceo = await login(first, team.users.ceo.email);
    const removed = await login(first, team.users.closer.email);
    const leaving = await login(first, team.users.setter.email);
    const demoted = await login(first, team.users.professional.email);
    // The second replica caches each session as live (and the professional's role: the users list is for ceo and
    // professional) before the changes.
    await me(second, removed).expect(200);
    await me(second, leaving).expect(200);
    await request(second.server).get('/crm/users').set('Cookie', demoted).expect(200);

    const patchUser = (id: string, body: Record<string, unknown>) =>
      sameOrigin(first, request(first.server).patch(`/crm/users/${id}`).set('Cookie', ceo).send(body));
    await patchUser(team.users.closer.id, { active: false }).expect(200);
    await patchUser(team.users.professional.id, { role: 'setter' }).expect(200);
    await sameOrigin(
      first,
      request(first.server).post('/crm/auth/logout-everywhere').set('Cookie', leaving),
    ).expect(204);

    const start = Date.now();
    const deadline = start + USER_ACCESS_TTL_MS + 500;
    const pending = new Set(['removed', 'leaving', 'demoted']);
    while (pending.size > 0 && Date.now() < deadline) {
      if (pending.has('removed') && (await me(second, removed)).status === 401) pending.delete('removed');
      if (pending.has('leaving') && (await me(second, leaving)).status === 401) pending.delete('leaving');
      if (pending.has('demoted')) {
        const users = await request(second.server).get('/crm/users').set('Cookie', demoted);
        if (users.status === 403) pending.delete('demoted');
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...pending]).toEqual([]);
    expect(Date.now() - start).toBeLessThanOrEqual(USER_ACCESS_TTL_MS + 500);
    // Refused for good, with the reason; the demoted user keeps their session with the new role's routes.
    expect((await me(second, removed).expect(401)).body.code).toBe('ACCOUNT_DISABLED');
    await me(second, leaving).expect(401);
    expect((await me(second, demoted).expect(200)).body).toMatchObject({ role: 'setter' });
    await me(second, ceo).expect(200);
  });

  describe('the access feed (crm.access.changes polled by each replica)', () => {
    let nats: NatsConnection;
    /** The session ids (`sid`) of the `crm.users.access` requests seen on NATS, from any replica. */
    const accessLookups: string[] = [];
    const lookupsOf = (cookie: string) => accessLookups.filter((sid) => sid === sidOf(cookie)).length;
    const sidOf = (cookie: string) =>
      (new JwtService({}).decode(cookie.replace('crm_session=', '')) as { sid: string }).sid;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    beforeAll(async () => {
      // A plain subscriber (no queue group) gets a copy of every request: it counts, it does not answer.
      nats = await connect({ servers: process.env.NATS_URL! });
      const spy = nats.subscribe(Rpc.crm.userAccess);
      void (async () => {
        for await (const message of spy)
          accessLookups.push((message.json() as { data: { sessionId: string } }).data.sessionId);
      })();
      await nats.flush();
    });

    afterAll(() => nats?.close());

    it('trusts a checked session beyond 5 s without asking crm-service again, yet refuses it within 5 s of a change made elsewhere', async () => {
      const team = await seedTenant(db, 'Sesiones largas');
      const ceo = await login(first, team.users.ceo.email);
      const removed = await login(first, team.users.closer.email);
      const demoted = await login(first, team.users.professional.email);
      const revoked = await login(first, team.users.setter.email);
      await me(second, removed).expect(200);
      await request(second.server).get('/crm/users').set('Cookie', demoted).expect(200);
      await me(second, revoked).expect(200);
      // Requests at human pace, past the 5 s bound: the second replica answers from its cache.
      for (let i = 0; i < 4; i++) {
        await sleep(2_000);
        await me(second, removed).expect(200);
        await request(second.server).get('/crm/users').set('Cookie', demoted).expect(200);
        await me(second, revoked).expect(200);
      }
      expect([removed, demoted, revoked].map(lookupsOf)).toEqual([1, 1, 1]);
      expect(CONFIRMED_ACCESS_TTL_MS).toBeGreaterThan(8_000);

      // Changes the second replica is not told of directly: two through the first replica, one committed in SQL
      // as crm-service would (the session revoked and its row, one transaction) with no gateway involved at all.
      const patchUser = (id: string, body: Record<string, unknown>) =>
        sameOrigin(first, request(first.server).patch(`/crm/users/${id}`).set('Cookie', ceo).send(body));
      await patchUser(team.users.closer.id, { active: false }).expect(200);
      await patchUser(team.users.professional.id, { role: 'setter' }).expect(200);
      await db.query('BEGIN');
      await db.query(`UPDATE crm.sessions SET revoked_at = now() WHERE id = $1`, [sidOf(revoked)]);
      await db.query(`INSERT INTO crm.access_changes (tenant_id, user_id) VALUES ($1, $2)`, [
        team.tenantId,
        team.users.setter.id,
      ]);
      await db.query('COMMIT');

      const start = Date.now();
      const pending = new Set(['removed', 'demoted', 'revoked']);
      while (pending.size > 0 && Date.now() - start < USER_ACCESS_TTL_MS + 2_000) {
        if (pending.has('removed') && (await me(second, removed)).status === 401) pending.delete('removed');
        if (pending.has('revoked') && (await me(second, revoked)).status === 401) pending.delete('revoked');
        if (pending.has('demoted')) {
          const users = await request(second.server).get('/crm/users').set('Cookie', demoted);
          if (users.status === 403) pending.delete('demoted');
        }
        if (pending.size > 0) await sleep(100);
      }
      expect([...pending]).toEqual([]);
      expect(Date.now() - start).toBeLessThanOrEqual(USER_ACCESS_TTL_MS);
      expect((await me(second, removed).expect(401)).body.code).toBe('ACCOUNT_DISABLED');
    });
  });

  it('refuses a session JWT without a server-side session id (issued before sessions)', async () => {
    const legacy = await new JwtService({ secret: first.config.SESSION_SECRET }).signAsync(
      { sub: tenant.users.closer.id, tid: tenant.tenantId, role: 'closer' },
      { algorithm: 'HS256', expiresIn: 600 },
    );
    await me(first, `crm_session=${legacy}`).expect(401);
  });

  it('limits one account across IPs and across replicas (Redis), with Retry-After; others unaffected', async () => {
    const seeded = await seedTenant(db, 'Limitador');
    const email = seeded.users.closer.email;
    const limit = limitOf('account');
    for (let i = 0; i < limit; i++) {
      const gateway = i % 2 === 0 ? first : second;
      await request(gateway.server)
        .post('/crm/auth/login')
        .set('X-Forwarded-For', `${net()}.${i + 1}`)
        .send({ email, password: `mala-${i}` })
        .expect(401);
    }
    const refused = await request(second.server)
      .post('/crm/auth/login')
      .set('X-Forwarded-For', `${net()}.9`)
      .send({ email, password: TEST_PASSWORD })
      .expect(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    // Another account of the same tenant signs in, and its success does not reset the refused one.
    await login(first, seeded.users.ceo.email);
    await request(first.server)
      .post('/crm/auth/login')
      .set('X-Forwarded-For', `${net()}.9`)
      .send({ email, password: TEST_PASSWORD })
      .expect(429);
  });

  it('limits one IP across replicas, and its /24 network; another network is unaffected', async () => {
    const network = net();
    const limit = limitOf('ip');
    // An invalid body is counted too (the limit comes first) and needs no crm-service round trip.
    const attempt = (gateway: TestGateway, ip: string, i: number) =>
      request(gateway.server)
        .post('/crm/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: `nadie-${i}@limite.test`, password: '' });
    for (let i = 0; i < limit; i++) await attempt(i % 2 ? first : second, `${network}.7`, i).expect(400);
    const refused = await attempt(first, `${network}.7`, limit).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await attempt(first, `${network}.8`, limit).expect(400); // same /24, another IP: under the network limit
    await attempt(second, `${net()}.7`, limit).expect(400);
  });
});
