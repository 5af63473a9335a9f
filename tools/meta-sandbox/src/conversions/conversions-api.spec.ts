import { createHash } from 'node:crypto';
import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';
import { CONVERSION_SUBCODES } from './conversions-api';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

type Recorded = {
  eventName: string;
  eventId: string;
  duplicate: boolean;
  customData: Record<string, unknown>;
};

describe('Conversions API (POST /{dataset_id}/events)', () => {
  let sandbox: Sandbox;
  let token: string;
  let datasetId: string;
  const nowS = () => Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    sandbox = newSandbox();
    token = await mintToken(sandbox);
    const owned = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.businessId}/owned_pixels`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    datasetId = (owned.body as { data: { id: string }[] }).data[0].id;
  });
  afterEach(() => sandbox.state.cancelTimers());

  const purchase = (overrides: Record<string, unknown> = {}) => ({
    event_name: 'Purchase',
    event_time: nowS() - 60,
    event_id: 'crm:t1:lead1:Purchase',
    action_source: 'business_messaging',
    messaging_channel: 'whatsapp',
    user_data: { ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ', ph: [sha256('5215512340001')] },
    custom_data: { value: 1500.5, currency: 'MXN' },
    ...overrides,
  });
  const post = (data: unknown, id = datasetId) =>
    request(sandbox.app).post(`/v23.0/${id}/events`).set('Authorization', `Bearer ${token}`).send({ data });
  const recorded = async () =>
    ((await request(sandbox.app).get('/_sandbox/conversions').expect(200)).body as { data: Recorded[] }).data;

  it('lists the business dataset and the control API lists the same', async () => {
    const datasets = (await request(sandbox.app).get('/_sandbox/conversions/datasets').expect(200)).body as {
      data: { id: string; businessId: string }[];
    };
    expect(datasets.data).toContainEqual(
      expect.objectContaining({ id: datasetId, businessId: SANDBOX_IDS.businessId }),
    );
    expect(datasetId).toMatch(/^\d{16}$/);
  });

  it('records a valid Purchase and answers like Meta', async () => {
    const res = await post([purchase()]).expect(200);
    expect(res.body).toEqual({ events_received: 1, messages: [], fbtrace_id: expect.any(String) });
    expect(await recorded()).toEqual([
      expect.objectContaining({
        eventName: 'Purchase',
        eventId: 'crm:t1:lead1:Purchase',
        duplicate: false,
        customData: { value: 1500.5, currency: 'MXN' },
      }),
    ]);
  });

  it('takes data as a JSON string (form style) and a system_generated CRM event keyed by lead_id', async () => {
    const event = {
      event_name: 'QualifiedLead',
      event_time: nowS(),
      event_id: 'crm:t1:lead2:QualifiedLead',
      action_source: 'system_generated',
      user_data: { lead_id: '900000000000123' },
      custom_data: { event_source: 'crm', lead_event_source: 'CRM Ventas' },
    };
    await request(sandbox.app)
      .post(`/${datasetId}/events`)
      .type('form')
      .send({ data: JSON.stringify([event]), access_token: token })
      .expect(200);
    expect((await recorded()).map((e) => e.eventName)).toEqual(['QualifiedLead']);
  });

  it('flags a second event with the same event_name and event_id as a duplicate (still counted as received)', async () => {
    await post([purchase()]).expect(200);
    const again = await post([purchase()]).expect(200);
    expect(again.body.events_received).toBe(1);
    expect((await recorded()).map((e) => e.duplicate)).toEqual([false, true]);
  });

  it.each([
    ['event_name missing', { event_name: undefined }, CONVERSION_SUBCODES.missingParameter, 'event_name'],
    ['event_time missing', { event_time: undefined }, CONVERSION_SUBCODES.missingParameter, 'event_time'],
    [
      'action_source missing',
      { action_source: undefined },
      CONVERSION_SUBCODES.missingParameter,
      'action_source',
    ],
    [
      'action_source unknown',
      { action_source: 'crm' },
      CONVERSION_SUBCODES.invalidActionSource,
      'action_source',
    ],
    [
      'event_time older than 7 days',
      { event_time: nowS() - 8 * 86_400 },
      CONVERSION_SUBCODES.eventTooOld,
      '7 days',
    ],
    [
      'a phone not hashed',
      { user_data: { ctwa_clid: 'x', ph: ['5215512340001'] } },
      CONVERSION_SUBCODES.badHash,
      'ph',
    ],
    [
      'no messaging_channel',
      { messaging_channel: undefined },
      CONVERSION_SUBCODES.messagingChannel,
      'messaging_channel',
    ],
    [
      'WhatsApp without ctwa_clid',
      { user_data: { ph: [sha256('1')] } },
      CONVERSION_SUBCODES.missingUserData,
      'ctwa_clid',
    ],
    [
      'a Purchase without currency',
      { custom_data: { value: 10 } },
      CONVERSION_SUBCODES.purchaseValue,
      'currency',
    ],
  ])(
    'refuses the whole request when %s (100 with a subcode), recording nothing',
    async (_what, overrides, subcode, word) => {
      const res = await post([purchase({ event_id: 'ok-1' }), purchase(overrides)]).expect(400);
      expect(res.body.error).toMatchObject({
        code: 100,
        error_subcode: subcode,
        message: 'Invalid parameter',
      });
      expect(res.body.error.error_user_msg).toContain('data[1]');
      expect(res.body.error.error_user_msg).toContain(word);
      expect(await recorded()).toEqual([]);
    },
  );

  it('answers 100 without data, 100/33 for an unknown dataset and 190 for a bad token', async () => {
    const none = await request(sandbox.app)
      .post(`/${datasetId}/events`)
      .set('Authorization', `Bearer ${token}`)
      .send({});
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe(100);
    const unknown = await post([purchase()], '8999999999999999').expect(400);
    expect(unknown.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const bad = await request(sandbox.app)
      .post(`/${datasetId}/events`)
      .set('Authorization', 'Bearer nope')
      .send({ data: [purchase()] });
    expect(bad.body.error.code).toBe(190);
  });
});
