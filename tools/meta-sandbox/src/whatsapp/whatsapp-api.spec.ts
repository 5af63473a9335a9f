import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox, TEST_SECRET } from '../test-support/sandbox-fixture';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../test-support/webhook-receiver';

type StatusEntry = {
  id: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: string; type: string; category: string };
  errors?: { code: number }[];
};
type Payload = {
  object: string;
  entry: {
    id: string;
    changes: { field: string; value: { metadata: { phone_number_id: string }; statuses?: StatusEntry[] } }[];
  }[];
};

const statusesOf = (hooks: ReceivedWebhook[], wamid: string): StatusEntry[] =>
  hooks
    .flatMap((h) => (h.json as Payload).entry[0].changes[0].value.statuses ?? [])
    .filter((s) => s.id === wamid);

const PHONE = SANDBOX_IDS.phoneNumberIds[0];

const template = (name: string, language: string, params: string[]) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '+52 1 55-1234-5678',
  type: 'template',
  template: {
    name,
    language: { code: language },
    components: params.length
      ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }]
      : [],
  },
});

describe('WhatsApp Cloud API', () => {
  let sandbox: Sandbox;
  let token: string;
  let receiver: WebhookReceiver;
  const send = (body: unknown, phone = PHONE) =>
    request(sandbox.app)
      .post(`/v23.0/${phone}/messages`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  beforeEach(async () => {
    receiver = await startWebhookReceiver(TEST_SECRET);
    sandbox = newSandbox({ webhookUrl: receiver.url });
    token = await mintToken(sandbox);
  });
  afterEach(async () => {
    sandbox.state.cancelTimers();
    await receiver.close();
  });

  it('lists phone numbers and templates with filters and paging', async () => {
    const phones = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/phone_numbers`)
      .query({ access_token: token })
      .expect(200);
    expect(phones.body.data).toHaveLength(2);
    expect(phones.body.data[0]).toMatchObject({
      id: PHONE,
      display_phone_number: '+52 55 4123 9087',
      verified_name: 'Inmobiliaria Sol',
    });
    expect(phones.headers['x-business-use-case-usage']).toContain('whatsapp_business_management');
    const all = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/message_templates`)
      .query({ access_token: token })
      .expect(200);
    expect(all.body.data.map((t: { status: string }) => t.status)).toEqual(
      expect.arrayContaining(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED']),
    );
    const approved = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/message_templates`)
      .query({ access_token: token, status: 'APPROVED', language: 'es', fields: 'name,status' })
      .expect(200);
    expect(approved.body.data.map((t: { name: string }) => t.name).sort()).toEqual([
      'encuesta_satisfaccion',
      'recordatorio_cita',
      'seguimiento_lead',
    ]);
    expect(Object.keys(approved.body.data[0]).sort()).toEqual(['id', 'name', 'status']);
    const paged = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/message_templates`)
      .query({ access_token: token, limit: '3' })
      .expect(200);
    expect(paged.body.data).toHaveLength(3);
    expect(paged.body.paging.next).toContain('after=');
    const byName = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/message_templates`)
      .query({ access_token: token, name: 'recordatorio_cita' })
      .expect(200);
    expect(byName.body.data.map((t: { language: string }) => t.language).sort()).toEqual(['en', 'es']);
    const single = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.templateIds['seguimiento_lead:es']}`)
      .query({ access_token: token, fields: 'status' })
      .expect(200);
    expect(single.body).toEqual({ status: 'APPROVED', id: SANDBOX_IDS.templateIds['seguimiento_lead:es'] });
  });

  it('sends a template and emits signed sent → delivered → read webhooks (v23 shape)', async () => {
    const body = {
      ...template('seguimiento_lead', 'es', ['Ana', 'Carla', 'Inmobiliaria Sol']),
      biz_opaque_callback_data: 'crm-msg-42',
    };
    const res = await send(body).expect(200);
    expect(res.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+52 1 55-1234-5678', wa_id: '5215512345678' }],
      messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
    });
    const wamid = res.body.messages[0].id as string;
    const hooks = await receiver.waitFor((all) => statusesOf(all, wamid).length === 3);
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    expect(hooks[0].headers['content-type']).toBe('application/json');
    const statuses = statusesOf(hooks, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s).toMatchObject({ recipient_id: '5215512345678', biz_opaque_callback_data: 'crm-msg-42' });
      expect(s.timestamp).toMatch(/^\d+$/);
    }
    expect(statuses[0].conversation?.expiration_timestamp).toMatch(/^\d+$/);
    expect(statuses[0].pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'utility',
    });
    expect(statuses[1].conversation?.origin.type).toBe('utility');
    expect(statuses[1].conversation?.expiration_timestamp).toBeUndefined();
    expect(statuses[2].conversation).toBeUndefined();
    expect(statuses[2].pricing).toBeUndefined();
    const payload = hooks[0].json as Payload;
    expect(payload.object).toBe('whatsapp_business_account');
    expect(payload.entry[0].id).toBe(SANDBOX_IDS.wabaId);
    expect(payload.entry[0].changes[0].value.metadata.phone_number_id).toBe(PHONE);

    const log = await request(sandbox.app)
      .get('/_sandbox/messages')
      .query({ to: '+52 1 55 1234 5678' })
      .expect(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({
      wamid,
      template: { name: 'seguimiento_lead', language: 'es', params: ['Ana', 'Carla', 'Inmobiliaria Sol'] },
    });
    expect(log.body.data[0].statuses.map((s: { status: string }) => s.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
  });

  it('numbers ending in 0000 get sent then failed with 131026', async () => {
    const res = await send({
      ...template('encuesta_satisfaccion', 'es', ['Ana']),
      to: '5215500000000',
    }).expect(200);
    const wamid = res.body.messages[0].id as string;
    const hooks = await receiver.waitFor((all) => statusesOf(all, wamid).length === 2);
    const statuses = statusesOf(hooks, wamid);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(statuses[1].errors?.[0].code).toBe(131026);
    expect(statuses[0].pricing?.category).toBe('marketing');
  });

  it.each([
    ['unknown template', template('no_existe', 'es', ['x']), 404, 132001],
    ['unknown language', template('seguimiento_lead', 'en', ['a', 'b', 'c']), 404, 132001],
    ['PENDING template', template('promo_navidad', 'es', ['Ana']), 404, 132001],
    ['REJECTED template', template('oferta_agresiva', 'es', ['Ana']), 404, 132001],
    ['PAUSED template', template('reactivacion', 'es', ['Ana']), 400, 132015],
    ['DISABLED template', template('bienvenida_antigua', 'es', ['Ana']), 400, 132016],
    ['too few params', template('seguimiento_lead', 'es', ['Ana', 'Carla']), 400, 132000],
    ['too many params', template('encuesta_satisfaccion', 'es', ['Ana', 'extra']), 400, 132000],
    ['missing params', template('seguimiento_lead', 'es', []), 400, 132000],
    ['bad phone', { ...template('encuesta_satisfaccion', 'es', ['Ana']), to: '12345' }, 400, 100],
    [
      'letters in phone',
      { ...template('encuesta_satisfaccion', 'es', ['Ana']), to: '+52 55 ABCD 1234' },
      400,
      100,
    ],
    [
      'no messaging_product',
      { ...template('encuesta_satisfaccion', 'es', ['Ana']), messaging_product: undefined },
      400,
      100,
    ],
  ])('rejects %s', async (_name, body, status, code) => {
    const res = await send(body).expect(status);
    expect(res.body.error).toMatchObject({ code, type: 'OAuthException' });
    expect(res.body.error.fbtrace_id).toBeDefined();
    expect(sandbox.state.messages).toHaveLength(0);
  });

  it('text messages need an open 24 h window (131047), opened by an inbound message', async () => {
    const text = { messaging_product: 'whatsapp', to: '5215587654321', type: 'text', text: { body: 'Hola' } };
    const closed = await send(text).expect(400);
    expect(closed.body.error.code).toBe(131047);
    const reply = await request(sandbox.app)
      .post('/_sandbox/reply')
      .send({ from: '+52 1 55 8765 4321', text: 'Hola, ¿siguen disponibles?' })
      .expect(200);
    expect(reply.body.delivered).toBe(true);
    const ok = await send(text).expect(200);
    expect(ok.body.messages[0].id).toMatch(/^wamid\./);
  });

  it('window expires after 24 h', async () => {
    let clock = Date.parse('2026-09-12T10:00:00Z');
    const timed = newSandbox({ webhookUrl: receiver.url, now: () => new Date(clock) });
    const t = await mintToken(timed);
    await request(timed.app)
      .post('/_sandbox/reply')
      .send({ from: '5215587654321', text: 'Hola' })
      .expect(200);
    const text = { messaging_product: 'whatsapp', to: '5215587654321', type: 'text', text: { body: 'Hola' } };
    await request(timed.app).post(`/${PHONE}/messages`).query({ access_token: t }).send(text).expect(200);
    clock += 24 * 3600 * 1000;
    const late = await request(timed.app)
      .post(`/${PHONE}/messages`)
      .query({ access_token: t })
      .send(text)
      .expect(400);
    expect(late.body.error.code).toBe(131047);
    timed.state.cancelTimers();
  });

  it('a Click-to-WhatsApp message keeps free-form replies open for 72 h', async () => {
    let clock = Date.parse('2026-09-12T10:00:00Z');
    const timed = newSandbox({ webhookUrl: receiver.url, now: () => new Date(clock) });
    const t = await mintToken(timed);
    const adId = timed.state.dataset.ads[0].id;
    await request(timed.app).post('/_sandbox/ctwa').send({ from: '5215587654321', adId }).expect(200);
    const text = { messaging_product: 'whatsapp', to: '5215587654321', type: 'text', text: { body: 'Hola' } };
    const sendText = () =>
      request(timed.app).post(`/${PHONE}/messages`).query({ access_token: t }).send(text);
    clock += 48 * 3600 * 1000;
    await sendText().expect(200);
    clock += 24 * 3600 * 1000;
    const late = await sendText().expect(400);
    expect(late.body.error.code).toBe(131047);
    timed.state.cancelTimers();
  });

  it('throttled sends answer 130429 with HTTP 429', async () => {
    await request(sandbox.app)
      .post('/_sandbox/throttle')
      .send({ enabled: true, scope: 'whatsapp' })
      .expect(200);
    const res = await send(template('encuesta_satisfaccion', 'es', ['Ana'])).expect(429);
    expect(res.body.error.code).toBe(130429);
    const mgmt = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.wabaId}/message_templates`)
      .query({ access_token: token })
      .expect(400);
    expect(mgmt.body.error.code).toBe(80008);
  });

  describe('send limits (REFERENCE §7.8)', () => {
    let clock: number;
    let timed: Sandbox;
    let t: string;
    const sendAt = (to: string) =>
      request(timed.app)
        .post(`/v23.0/${PHONE}/messages`)
        .set('Authorization', `Bearer ${t}`)
        .send({ ...template('encuesta_satisfaccion', 'es', ['Ana']), to });

    beforeEach(async () => {
      clock = Date.parse('2026-03-02T15:00:00Z');
      timed = newSandbox({ webhookUrl: receiver.url, now: () => new Date(clock), whatsappMps: 5 });
      t = await mintToken(timed);
    });
    afterEach(() => timed.state.cancelTimers());

    it('answers 130429 (HTTP 429) beyond the number throughput, and accepts again as the second passes', async () => {
      for (let i = 0; i < 5; i++) await sendAt(`52155100000${i}1`).expect(200);
      const over = await sendAt('5215510000091').expect(429);
      expect(over.body.error).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit' });
      clock += 200; // one slot refills every 1000 / 5 ms
      await sendAt('5215510000091').expect(200);
      await sendAt('5215510000092').expect(429);
      const limits = await request(timed.app).get('/_sandbox/whatsapp/limits').expect(200);
      expect(limits.body).toEqual({
        limits: { mps: 5, pairBurst: 45, pairIntervalMs: 6000 },
        rejected: { throughput: 2, pair: 0 },
      });
      const log = await request(timed.app).get('/_sandbox/messages').expect(200);
      expect(log.body.data).toHaveLength(6);
    });

    it('answers 131056 beyond the pair rate limit: one message per 6 s to the same recipient after the burst', async () => {
      await request(timed.app).post('/_sandbox/whatsapp/limits').send({ pairBurst: 1, mps: 100 }).expect(200);
      await sendAt('5215520000001').expect(200);
      const again = await sendAt('5215520000001').expect(400);
      expect(again.body.error).toMatchObject({
        code: 131056,
        message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
        error_data: { messaging_product: 'whatsapp' },
      });
      // Another recipient is not affected.
      await sendAt('5215520000002').expect(200);
      clock += 5_999;
      await sendAt('5215520000001').expect(400);
      clock += 6_000;
      await sendAt('5215520000001').expect(200);
      const log = await request(timed.app)
        .get('/_sandbox/messages')
        .query({ to: '5215520000001' })
        .expect(200);
      expect(log.body.data).toHaveLength(2);
      const limits = await request(timed.app).get('/_sandbox/whatsapp/limits').expect(200);
      expect(limits.body.rejected).toEqual({ throughput: 0, pair: 2 });
    });

    it('validates the limits control', async () => {
      await request(timed.app).post('/_sandbox/whatsapp/limits').send({ mps: 0 }).expect(400);
      await request(timed.app).post('/_sandbox/whatsapp/limits').send({ mps: 1001 }).expect(400);
      await request(timed.app).post('/_sandbox/whatsapp/fail-after-accept').send({ count: -1 }).expect(400);
      await request(timed.app)
        .post('/_sandbox/whatsapp/fail-after-accept')
        .send({ count: 1, mode: 'later' })
        .expect(400);
    });
  });

  it('fail-after-accept: the send answers 5xx but the message is recorded and its status webhooks come', async () => {
    await request(sandbox.app).post('/_sandbox/whatsapp/fail-after-accept').send({ count: 1 }).expect(200);
    const body = {
      ...template('encuesta_satisfaccion', 'es', ['Ana']),
      biz_opaque_callback_data: 'automation:x',
    };
    const res = await send(body).expect(500);
    expect(res.body.error).toMatchObject({ code: 131000, is_transient: true });
    const log = await request(sandbox.app).get('/_sandbox/messages').expect(200);
    expect(log.body.data).toHaveLength(1);
    const wamid = log.body.data[0].wamid as string;
    const hooks = await receiver.waitFor((all) => statusesOf(all, wamid).length === 3);
    expect(statusesOf(hooks, wamid).map((s) => [s.status, s.biz_opaque_callback_data])).toEqual([
      ['sent', 'automation:x'],
      ['delivered', 'automation:x'],
      ['read', 'automation:x'],
    ]);
    // Only the next N: the one after answers normally.
    const next = await send(template('encuesta_satisfaccion', 'es', ['Ana'])).expect(200);
    expect(next.body.messages[0].id).toMatch(/^wamid\./);
  });

  it('fail-before-accept: the send answers 5xx and is not taken — no message, no webhook; the next one goes', async () => {
    await request(sandbox.app).post('/_sandbox/whatsapp/fail-before-accept').send({ count: 1 }).expect(200);
    const res = await send({
      ...template('encuesta_satisfaccion', 'es', ['Ana']),
      biz_opaque_callback_data: 'automation:lost',
    }).expect(500);
    expect(res.body.error).toMatchObject({ code: 131000, is_transient: true });
    expect((await request(sandbox.app).get('/_sandbox/messages').expect(200)).body.data).toHaveLength(0);
    const next = await send(template('encuesta_satisfaccion', 'es', ['Ana'])).expect(200);
    const wamid = next.body.messages[0].id as string;
    const hooks = await receiver.waitFor((all) => statusesOf(all, wamid).length === 3);
    expect(hooks.some((hook) => JSON.stringify(hook).includes('automation:lost'))).toBe(false);
    await request(sandbox.app).post('/_sandbox/whatsapp/fail-before-accept').send({ count: 1.5 }).expect(400);
  });

  it('fail-after-accept with mode no_wamid: a 2xx without a message id, the message still goes out', async () => {
    await request(sandbox.app)
      .post('/_sandbox/whatsapp/fail-after-accept')
      .send({ count: 1, mode: 'no_wamid' })
      .expect(200);
    const res = await send(template('encuesta_satisfaccion', 'es', ['Ana'])).expect(200);
    expect(res.body).toEqual({ messaging_product: 'whatsapp', contacts: [], messages: [] });
    const log = await request(sandbox.app).get('/_sandbox/messages').expect(200);
    expect(log.body.data).toHaveLength(1);
  });

  it('sending needs whatsapp_business_messaging', async () => {
    const narrow = await mintToken(sandbox, { scopes: ['whatsapp_business_management'] });
    const res = await request(sandbox.app)
      .post(`/v23.0/${PHONE}/messages`)
      .query({ access_token: narrow })
      .send(template('encuesta_satisfaccion', 'es', ['Ana']))
      .expect(403);
    expect(res.body.error.code).toBe(10);
  });

  it('retries failed webhook deliveries with backoff and logs every attempt', async () => {
    receiver.respondWith = (n) => (n <= 2 ? 500 : 200);
    const sleep = jest.spyOn(sandbox.state, 'sleep');
    const res = await request(sandbox.app)
      .post('/_sandbox/reply')
      .send({ from: '5215511112222', text: 'Hola' })
      .expect(200);
    expect(res.body).toMatchObject({ delivered: false, status: 500 });
    await receiver.waitFor((all) => all.length === 1);
    const log = await request(sandbox.app).get('/_sandbox/webhooks').query({ kind: 'message' }).expect(200);
    const delivery = log.body.data[0];
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 200]);
    expect(delivery.delivered).toBe(true);
    // The waits asked for between tries (fixture base 10 ms), not wall-clock gaps that a busy machine stretches.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([10, 20]);
  });

  it('gives up after the configured number of tries (connection refused)', async () => {
    const dead = newSandbox({
      webhookUrl: 'http://127.0.0.1:9/hook',
      webhookMaxAttempts: 3,
      webhookRetryBaseMs: 5,
    });
    const res = await request(dead.app)
      .post('/_sandbox/reply')
      .send({ from: '5215511112222', text: 'Hola' })
      .expect(200);
    expect(res.body).toMatchObject({ delivered: false, status: null });
    const started = Date.now();
    while (!dead.state.webhooks[0].settled && Date.now() - started < 3000)
      await new Promise((r) => setTimeout(r, 10));
    expect(dead.state.webhooks[0].attempts).toHaveLength(3);
    expect(
      dead.state.webhooks[0].attempts.every((a) => a.status === null && typeof a.error === 'string'),
    ).toBe(true);
    expect(dead.state.webhooks[0].delivered).toBe(false);
  });

  it('caps the delay between tries at webhookRetryMaxMs (Meta keeps retrying, less and less often)', async () => {
    const dead = newSandbox({
      webhookUrl: 'http://127.0.0.1:9/hook',
      webhookMaxAttempts: 6,
      webhookRetryBaseMs: 2,
      webhookRetryMaxMs: 5,
    });
    const sleep = jest.spyOn(dead.state, 'sleep');
    await request(dead.app).post('/_sandbox/reply').send({ from: '5215511112222', text: 'Hola' }).expect(200);
    const started = Date.now();
    while (!dead.state.webhooks[0].settled && Date.now() - started < 3000)
      await new Promise((r) => setTimeout(r, 10));
    expect(dead.state.webhooks[0].attempts).toHaveLength(6);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([2, 4, 5, 5, 5]);
  });
});
