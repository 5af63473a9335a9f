import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { Logger } from '@nestjs/common';
import { LEAD_SOURCES, MAX_DELAY_SECONDS, Webhooks, type MetaWebhookPart } from '@crm/contracts';
import { startNatsServer } from '@crm/testing';
import { FRONTEND_MISSING_TEXT } from '../http/static-frontend';
import { VERIFY_TOKEN, startTestGateway, type TestGateway } from './gateway-test-support';

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

  /** The parts stored for a body: message id → part. */
  async function storedParts(body: string): Promise<Map<string, MetaWebhookPart>> {
    const sha = createHash('sha256').update(body).digest('hex');
    const info = await jsm.streams.info(STREAM);
    const parts = new Map<string, MetaWebhookPart>();
    for (
      let seq = Math.max(info.state.first_seq, info.state.last_seq - 200);
      seq <= info.state.last_seq;
      seq++
    ) {
      const message = await jsm.streams.getMessage(STREAM, { seq }).catch(() => undefined);
      const id = message?.header?.get('Nats-Msg-Id');
      if (message && message.subject === Webhooks.metaPart && id?.startsWith(sha)) {
        parts.set(id, message.json<MetaWebhookPart>());
      }
    }
    return parts;
  }

  const post = (body: string) =>
    request(gateway.server)
      .post('/webhooks/meta')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', sign(body))
      .send(body);

  /** A webhook body with odd spacing, unicode, escapes and ids written as numbers. */
  function uniqueBody(): string {
    const marker = randomUUID();
    return (
      `{"object":"whatsapp_business_account",  "entry":[{"id":120215362426053955,"time":1751247548,"changes":[` +
      `{"field":"messages","value":{"marker":"${marker}","text":"Hola, ¿cómo estás? \\u00e9 😀 \\u0000","n":1.50,` +
      `"recipient_id":9780780833223891}},{"field":"statuses","value":{}}]}]}\n`
    );
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
        const attempt = request(gateway.server)
          .post('/webhooks/meta')
          .set('Content-Type', 'application/json');
        if (signature) attempt.set('X-Hub-Signature-256', signature);
        const response = await attempt.send(body).expect(401);
        expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      }
      expect(await storedCount()).toBe(before);
    });

    it('stores a signed body as one parsed part per change (ids exact, text cleaned), then answers 200', async () => {
      const body = uniqueBody();
      const response = await post(body).expect(200);
      expect(response.text).toBe('EVENT_RECEIVED');
      const sha = createHash('sha256').update(body).digest('hex');
      const parts = await storedParts(body);
      expect([...parts.keys()].sort()).toEqual([`${sha}:0:0`, `${sha}:0:1`]);
      const first = parts.get(`${sha}:0:0`)!;
      expect(first).toMatchObject({
        bodySha256: sha,
        kind: 'change',
        object: 'whatsapp_business_account',
        entryId: '120215362426053955',
        entryTime: 1751247548,
        entryIndex: 0,
        changeIndex: 0,
        content: {
          field: 'messages',
          value: { text: 'Hola, ¿cómo estás? é 😀 ', n: 1.5, recipient_id: '9780780833223891' },
        },
      });
      expect(Number.isNaN(Date.parse(first.receivedAt))).toBe(false);
    });

    it('stores a duplicate delivery only once (message ids from the sha256 of the body)', async () => {
      const body = uniqueBody();
      const before = await storedCount();
      for (let i = 0; i < 3; i++) await post(body).expect(200);
      expect(await storedCount()).toBe(before + 2);
      expect((await storedParts(body)).size).toBe(2);
    });

    it('answers 400 to a signed body that is not JSON, 200 to one that cannot be split (stored whole)', async () => {
      const before = await storedCount();
      const response = await post('{"object":"page","entry":[').expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
      expect(await storedCount()).toBe(before);
      const odd = `{"object":"page","entry":{"id":"${randomUUID()}"}}`;
      await post(odd).expect(200);
      const sha = createHash('sha256').update(odd).digest('hex');
      expect([...(await storedParts(odd)).entries()]).toEqual([
        [sha, expect.objectContaining({ kind: 'body', content: JSON.parse(odd) })],
      ]);
    });

    it('stores a signed 2 MB body: 1 MB of escaped text and a part over NATS’ default 1 MB max_payload', async () => {
      const escaped = '\\u00e9\\"'.repeat(120_000);
      const statuses = Array.from(
        { length: 12_000 },
        (_, i) =>
          `{"id":"wamid.${i}","status":"delivered","timestamp":"1767225600","recipient_id":5215512340000}`,
      );
      const body =
        `{"object":"whatsapp_business_account","entry":[{"id":"${randomUUID()}","changes":[` +
        `{"field":"messages","value":{"messages":[{"id":"wamid.big","from":"5215512340000","timestamp":"1767225600",` +
        `"type":"text","text":{"body":"${escaped}"}}]}},` +
        `{"field":"messages","value":{"statuses":[${statuses.join(',')}]}}]}]}`;
      expect(Buffer.byteLength(body)).toBeGreaterThan(1_048_576);
      await post(body).expect(200);
      const parts = [...(await storedParts(body)).values()];
      expect(parts).toHaveLength(2);
      const text = (
        parts.find((p) => p.changeIndex === 0)!.content as {
          value: { messages: { text: { body: string } }[] };
        }
      ).value.messages[0].text.body;
      expect(text).toBe('é"'.repeat(120_000));
      const statusPart = parts.find((p) => p.changeIndex === 1)!;
      expect(Buffer.byteLength(JSON.stringify(statusPart))).toBeGreaterThan(1_048_576);
    });

    it('answers 503 with a clear log when a part is over the NATS server max_payload (NATS defaults)', async () => {
      const plainNats = await startNatsServer({ configFile: null });
      const small = await startTestGateway({ NATS_URL: plainNats.url });
      const errors = jest.spyOn(Logger.prototype, 'error');
      try {
        const body = JSON.stringify({
          object: 'page',
          entry: [{ id: '1', changes: [{ field: 'leadgen', value: { padding: 'x'.repeat(1_200_000) } }] }],
        });
        const response = await request(small.server)
          .post('/webhooks/meta')
          .set('Content-Type', 'application/json')
          .set('X-Hub-Signature-256', sign(body))
          .send(body)
          .expect(503);
        expect(response.body).toMatchObject({ statusCode: 503 });
        expect(errors).toHaveBeenCalledWith(
          expect.stringMatching(/over the NATS server's max_payload of 1048576/),
        );
      } finally {
        errors.mockRestore();
        await small.close();
        await plainNats.stop();
      }
    });

    it('refuses a body over the webhook size limit (4 MB) with 413 and stores nothing', async () => {
      const body = JSON.stringify({ object: 'page', padding: 'x'.repeat(4_300_000) });
      const before = await storedCount();
      const response = await post(body).expect(413);
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
          '/crm/marketing/automation/protection',
          '/crm/marketing/automation/rules',
          '/crm/marketing/automation/rules/{key}/preview',
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
        minimum: 0,
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
