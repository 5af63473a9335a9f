import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { LEAD_SOURCES, MAX_DELAY_SECONDS, Webhooks, type RawMetaWebhook } from '@crm/contracts';
import { FRONTEND_MISSING_TEXT } from '../http/static-frontend';
import { VERIFY_TOKEN, startTestGateway, type TestGateway } from './gateway-test-support';

jest.setTimeout(60_000);

const STREAM = 'META_WEBHOOKS';

describe('gateway: webhooks, docs and static files (real NATS)', () => {
  let gateway: TestGateway;
  let nats: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    gateway = await startTestGateway();
    nats = await connect({ servers: process.env.NATS_URL! });
    jsm = await nats.jetstreamManager();
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  const sign = (body: string | Buffer, secret = gateway.config.META_APP_SECRET) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  async function storedCount(): Promise<number> {
    const info = await jsm.streams.info(STREAM);
    return info.state.messages;
  }

  async function lastStored(): Promise<{ data: RawMetaWebhook; msgId: string | undefined }> {
    const message = await jsm.streams.getMessage(STREAM, { last_by_subj: Webhooks.metaRaw });
    return { data: message.json<RawMetaWebhook>(), msgId: message.header?.get('Nats-Msg-Id') };
  }

  /** A webhook body with odd spacing, unicode and escapes: re-serialising it would change its bytes. */
  function uniqueBody(): string {
    const marker = randomUUID();
    return `{"object":"whatsapp_business_account",  "entry":[{"id":"${marker}","changes":[{"field":"messages","value":{"text":"Hola, ¿cómo estás? \\u00e9 😀","n":1.50}}]}]}\n`;
  }

  describe('GET /webhooks/meta (subscription handshake)', () => {
    it('echoes hub.challenge as text/plain when the verify token matches', async () => {
      const response = await request(gateway.server)
        .get('/webhooks/meta')
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' })
        .expect(200);
      expect(response.text).toBe('1158201444');
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
    });

    it('answers 403 to a wrong token, a wrong mode or a missing challenge', async () => {
      for (const query of [
        { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong-token', 'hub.challenge': '1' },
        { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' },
        { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN },
        {},
      ]) {
        const response = await request(gateway.server).get('/webhooks/meta').query(query).expect(403);
        expect(response.text).not.toContain('1');
      }
    });
  });

  describe('POST /webhooks/meta', () => {
    it('answers 401 to a bad or missing signature and stores nothing', async () => {
      const body = uniqueBody();
      const before = await storedCount();
      for (const signature of [sign(body, 'another-app-secret'), sign(body.trim()), 'sha256=00', undefined]) {
        const post = request(gateway.server).post('/webhooks/meta').set('Content-Type', 'application/json');
        if (signature) post.set('X-Hub-Signature-256', signature);
        const response = await post.send(body).expect(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      }
      expect(await storedCount()).toBe(before);
    });

    it('stores a signed body byte for byte on webhook.meta.raw, then answers 200 EVENT_RECEIVED', async () => {
      const body = uniqueBody();
      const response = await request(gateway.server)
        .post('/webhooks/meta')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body)
        .expect(200);
      expect(response.text).toBe('EVENT_RECEIVED');
      const { data, msgId } = await lastStored();
      expect(data.body).toBe(body);
      expect(Buffer.from(data.body, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
      expect(Number.isNaN(Date.parse(data.receivedAt))).toBe(false);
      expect(msgId).toBe(createHash('sha256').update(body).digest('hex'));
    });

    it('stores a duplicate delivery only once (message id = sha256 of the body)', async () => {
      const body = uniqueBody();
      const before = await storedCount();
      for (let i = 0; i < 3; i++) {
        await request(gateway.server)
          .post('/webhooks/meta')
          .set('Content-Type', 'application/json')
          .set('X-Hub-Signature-256', sign(body))
          .send(body)
          .expect(200);
      }
      expect(await storedCount()).toBe(before + 1);
      expect((await lastStored()).data.body).toBe(body);
    });

    it('refuses a body over the size limit with 413 and stores nothing', async () => {
      const body = JSON.stringify({ object: 'page', padding: 'x'.repeat(1_100_000) });
      const before = await storedCount();
      const response = await request(gateway.server)
        .post('/webhooks/meta')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', sign(body))
        .send(body)
        .expect(413);
      expect(response.body).toMatchObject({ statusCode: 413 });
      expect(await storedCount()).toBe(before);
    });
  });

  describe('probes', () => {
    it('answers /health and /metrics without a session', async () => {
      const health = await request(gateway.server).get('/health').expect(200);
      expect(health.body).toEqual({ status: 'ok', checks: { nats: 'up' } });
      await request(gateway.server).get('/metrics').expect(200);
    });
  });

  describe('API docs', () => {
    it('serves the OpenAPI document with the REST routes', async () => {
      await request(gateway.server).get('/api/docs').expect(200);
      const spec = await request(gateway.server).get('/api/docs-json').expect(200);
      const paths = Object.keys(spec.body.paths as Record<string, unknown>);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/crm/auth/login',
          '/crm/leads',
          '/crm/leads/{id}/status',
          '/crm/marketing/stats',
          '/crm/marketing/automation/rules/{key}',
          '/crm/auth/meta/url',
        ]),
      );
      expect(paths).not.toContain('/webhooks/meta');
      const login = spec.body.paths['/crm/auth/login'].post;
      expect(JSON.stringify(login.requestBody)).toContain('LoginBody');

      // Bodies are documented from the contract classes they derive from, without the session's fields.
      const schemas = spec.body.components.schemas;
      expect(schemas.CreateLeadBody.required).toEqual(
        expect.arrayContaining(['name', 'phone', 'leadSource']),
      );
      expect(schemas.CreateLeadBody.properties.leadSource.enum).toEqual([...LEAD_SOURCES]);
      expect(Object.keys(schemas.CreateLeadBody.properties)).not.toContain('assignedUserId');
      expect(schemas.UpdateRuleBody.required ?? []).toEqual([]);
      expect(schemas.UpdateRuleBody.properties.delaySeconds).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: MAX_DELAY_SECONDS,
      });
      for (const schema of Object.values(schemas as Record<string, { properties?: object }>)) {
        expect(Object.keys(schema.properties ?? {})).not.toContain('tenantId');
      }
    });
  });

  describe('static frontend', () => {
    it('explains how to build the frontend when it is missing', async () => {
      const response = await request(gateway.server).get('/').expect(200);
      expect(response.text).toBe(FRONTEND_MISSING_TEXT);
    });

    it('serves the built SPA with long-cached assets and an index.html fallback for client routes', async () => {
      const dist = mkdtempSync(join(tmpdir(), 'gateway-dist-'));
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
      writeFileSync(join(dist, 'assets', 'index-3f2a1b.js'), 'console.log("app")');
      const withFrontend = await startTestGateway({ FRONTEND_DIST: dist });
      try {
        const asset = await request(withFrontend.server).get('/assets/index-3f2a1b.js').expect(200);
        expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        for (const path of ['/', '/marketing', '/leads/123']) {
          const page = await request(withFrontend.server).get(path).expect(200);
          expect(page.text).toContain('<div id="root">');
          expect(page.headers['cache-control']).toBe('no-cache');
        }
        await request(withFrontend.server).get('/assets/missing-file.js').expect(404);
        const api = await request(withFrontend.server).get('/crm/leads').expect(401);
        expect(api.body.code).toBe('UNAUTHORIZED');
        const unknownApi = await request(withFrontend.server).get('/api/unknown').expect(404);
        expect(unknownApi.body.code).toBe('NOT_FOUND');
      } finally {
        await withFrontend.close();
        rmSync(dist, { recursive: true, force: true });
      }
    });
  });
});
