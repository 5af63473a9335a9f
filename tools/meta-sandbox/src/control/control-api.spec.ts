import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox, TEST_SECRET } from '../test-support/sandbox-fixture';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver';

type InboundPayload = {
  object: string;
  entry: {
    id: string;
    changes: {
      field: string;
      value: {
        metadata: { phone_number_id: string; display_phone_number: string };
        contacts: { profile: { name: string }; wa_id: string }[];
        messages: {
          from: string;
          id: string;
          timestamp: string;
          type: string;
          text: { body: string };
          referral?: Record<string, string>;
          context?: { id: string };
        }[];
      };
    }[];
  }[];
};
type LeadgenPayload = {
  object: string;
  entry: { id: string; time: number; changes: { field: string; value: Record<string, unknown> }[] }[];
};

describe('Control API', () => {
  let sandbox: Sandbox;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver(TEST_SECRET);
    sandbox = newSandbox({ webhookUrl: receiver.url });
  });
  afterEach(async () => {
    sandbox.state.cancelTimers();
    await receiver.close();
  });

  it('POST /_sandbox/ctwa emits a signed inbound message with the ad referral and opens the window', async () => {
    const adId = SANDBOX_IDS.ctwaAdIds[0];
    const res = await request(sandbox.app)
      .post('/_sandbox/ctwa')
      .send({ from: '+52 1 55 2222 3333', name: 'Luis Pérez', adId, text: 'Hola, vi su anuncio' })
      .expect(200);
    expect(res.body).toMatchObject({
      wamid: expect.stringMatching(/^wamid\./),
      ctwaClid: expect.any(String),
      delivered: true,
      status: 200,
    });
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0];
    expect(hook.signatureValid).toBe(true);
    const payload = hook.json as InboundPayload;
    expect(payload.object).toBe('whatsapp_business_account');
    expect(payload.entry[0].id).toBe(SANDBOX_IDS.wabaId);
    const value = payload.entry[0].changes[0].value;
    expect(payload.entry[0].changes[0].field).toBe('messages');
    expect(value.metadata.phone_number_id).toBe(SANDBOX_IDS.phoneNumberIds[0]);
    expect(value.contacts[0]).toEqual({ profile: { name: 'Luis Pérez' }, wa_id: '5215522223333' });
    const message = value.messages[0];
    expect(message).toMatchObject({
      from: '5215522223333',
      id: res.body.wamid,
      type: 'text',
      text: { body: 'Hola, vi su anuncio' },
    });
    expect(message.timestamp).toMatch(/^\d+$/);
    expect(message.referral).toMatchObject({
      source_id: adId,
      source_type: 'ad',
      ctwa_clid: res.body.ctwaClid,
      media_type: 'image',
    });
    expect(message.referral?.headline).toBeTruthy();
    expect(message.referral?.body).toBeTruthy();

    const token = await mintToken(sandbox);
    const text = {
      messaging_product: 'whatsapp',
      to: '5215522223333',
      type: 'text',
      text: { body: '¡Hola Luis!' },
    };
    await request(sandbox.app)
      .post(`/v23.0/${SANDBOX_IDS.phoneNumberIds[0]}/messages`)
      .query({ access_token: token })
      .send(text)
      .expect(200);
    const statuses = await receiver.waitFor((all) => all.length >= 2);
    expect(JSON.stringify(statuses[1].json)).toContain('"free_entry_point"');
  });

  it('POST /_sandbox/ctwa honours phoneNumberId and rejects unknown ads', async () => {
    const second = SANDBOX_IDS.phoneNumberIds[1];
    await request(sandbox.app)
      .post('/_sandbox/ctwa')
      .send({ from: '5215522223333', adId: SANDBOX_IDS.ctwaAdIds[1], phoneNumberId: second })
      .expect(200);
    expect(
      (receiver.received[0].json as InboundPayload).entry[0].changes[0].value.metadata.phone_number_id,
    ).toBe(second);
    const bad = await request(sandbox.app)
      .post('/_sandbox/ctwa')
      .send({ from: '5215522223333', adId: '999' })
      .expect(400);
    expect(bad.body.error.code).toBe(100);
  });

  it('POST /_sandbox/reply sends a plain text inbound with reply context', async () => {
    const res = await request(sandbox.app)
      .post('/_sandbox/reply')
      .send({ from: '5215522223333', text: 'Sí, me interesa', contextWamid: 'wamid.ABC' })
      .expect(200);
    expect(res.body.ctwaClid).toBeUndefined();
    const message = (receiver.received[0].json as InboundPayload).entry[0].changes[0].value.messages[0];
    expect(message.referral).toBeUndefined();
    expect(message.context?.id).toBe('wamid.ABC');
  });

  it('POST /_sandbox/button-reply sends a quick-reply button tap as Meta does (template button and button_reply)', async () => {
    await request(sandbox.app)
      .post('/_sandbox/button-reply')
      .send({
        from: '5215522223333',
        text: 'Stop promotions',
        payload: 'STOP_PROMOS',
        contextWamid: 'wamid.T1',
      })
      .expect(200);
    const button = (receiver.received[0].json as InboundPayload).entry[0].changes[0].value
      .messages[0] as Record<string, unknown>;
    expect(button).toMatchObject({
      type: 'button',
      button: { payload: 'STOP_PROMOS', text: 'Stop promotions' },
      context: { id: 'wamid.T1' },
    });
    expect(button.text).toBeUndefined();

    await request(sandbox.app)
      .post('/_sandbox/button-reply')
      .send({ from: '5215522223333', text: 'Darme de baja', kind: 'interactive' })
      .expect(200);
    const interactive = (receiver.received[1].json as InboundPayload).entry[0].changes[0].value.messages[0];
    expect(interactive).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'Darme de baja', title: 'Darme de baja' } },
    });

    const bad = await request(sandbox.app)
      .post('/_sandbox/button-reply')
      .send({ from: '5215522223333', text: 'x', kind: 'list' })
      .expect(400);
    expect(bad.body.error.code).toBe(100);
    await request(sandbox.app).post('/_sandbox/button-reply').send({ from: '5215522223333' }).expect(400);
  });

  it('POST /_sandbox/leadgen takes a lead id of the caller (e.g. from Meta docs) once, digits only', async () => {
    const leadgenId = '9780780833223899';
    const res = await request(sandbox.app)
      .post('/_sandbox/leadgen')
      .send({ leadgenId, fullName: 'Docs Lead' })
      .expect(200);
    expect(res.body.leadgenId).toBe(leadgenId);
    const full = await mintToken(sandbox);
    const lead = await request(sandbox.app)
      .get(`/v23.0/${leadgenId}`)
      .query({ access_token: full, fields: 'id,field_data' })
      .expect(200);
    expect(lead.body.id).toBe(leadgenId);
    await request(sandbox.app).post('/_sandbox/leadgen').send({ leadgenId, fullName: 'Again' }).expect(400);
    await request(sandbox.app)
      .post('/_sandbox/leadgen')
      .send({ leadgenId: 978, fullName: 'Number' })
      .expect(400);
  });

  it('POST /_sandbox/leadgen stores a lead, emits the page leadgen webhook, and the lead is readable', async () => {
    const adId = SANDBOX_IDS.leadAdIds[0];
    const res = await request(sandbox.app)
      .post('/_sandbox/leadgen')
      .send({ adId, fullName: 'Mariana Ruiz', email: 'mariana@example.com', phone: '+5215512340000' })
      .expect(200);
    expect(res.body).toMatchObject({
      leadgenId: expect.stringMatching(/^\d+$/),
      formId: SANDBOX_IDS.formId,
      pageId: SANDBOX_IDS.pageId,
      adId,
      delivered: true,
    });
    const payload = receiver.received[0].json as LeadgenPayload;
    expect(receiver.received[0].signatureValid).toBe(true);
    expect(payload.object).toBe('page');
    expect(payload.entry[0].id).toBe(SANDBOX_IDS.pageId);
    expect(payload.entry[0].changes[0]).toEqual({
      field: 'leadgen',
      value: {
        leadgen_id: res.body.leadgenId,
        page_id: SANDBOX_IDS.pageId,
        form_id: SANDBOX_IDS.formId,
        adgroup_id: adId,
        ad_id: adId,
        created_time: expect.any(Number),
      },
    });

    const full = await mintToken(sandbox);
    const lead = await request(sandbox.app)
      .get(`/v23.0/${res.body.leadgenId}`)
      .query({ access_token: full, fields: 'id,created_time,ad_id,adset_id,campaign_id,form_id,field_data' })
      .expect(200);
    expect(lead.body).toMatchObject({
      id: res.body.leadgenId,
      ad_id: adId,
      adset_id: SANDBOX_IDS.adsetIds[0],
      campaign_id: SANDBOX_IDS.campaignIds[0],
      form_id: SANDBOX_IDS.formId,
    });
    expect(lead.body.created_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    expect(lead.body.field_data).toEqual([
      { name: 'full_name', values: ['Mariana Ruiz'] },
      { name: 'email', values: ['mariana@example.com'] },
      { name: 'phone_number', values: ['+5215512340000'] },
    ]);

    const readOnly = await mintToken(sandbox, { scopes: ['leads_retrieval', 'pages_show_list'] });
    const limited = await request(sandbox.app)
      .get(`/v23.0/${res.body.leadgenId}`)
      .query({ access_token: readOnly, fields: 'id,ad_id,campaign_id,field_data' })
      .expect(200);
    expect(limited.body.ad_id).toBeUndefined();
    expect(limited.body.campaign_id).toBeUndefined();
    expect(limited.body.field_data).toHaveLength(3);
    const noLeads = await mintToken(sandbox, { scopes: ['ads_read'] });
    await request(sandbox.app)
      .get(`/v23.0/${res.body.leadgenId}`)
      .query({ access_token: noLeads })
      .expect(403);

    const forms = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.pageId}/leadgen_forms`)
      .query({ access_token: full, fields: 'id,name,status,leads_count' })
      .expect(200);
    expect(forms.body.data.map((f: { id: string }) => f.id)).toEqual(SANDBOX_IDS.formIds);
    const leads = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.formId}/leads`)
      .query({ access_token: full })
      .expect(200);
    expect(leads.body.data[0].id).toBe(res.body.leadgenId);
  });

  it('organic leads (no ad) carry no ad ids in the webhook', async () => {
    await request(sandbox.app).post('/_sandbox/leadgen').send({ fullName: 'Pedro Solís' }).expect(200);
    const value = (receiver.received[0].json as LeadgenPayload).entry[0].changes[0].value;
    expect(value.ad_id).toBeUndefined();
    expect(value.form_id).toBe(SANDBOX_IDS.formId);
    await request(sandbox.app).post('/_sandbox/leadgen').send({}).expect(400);
    await request(sandbox.app)
      .post('/_sandbox/leadgen')
      .send({ fullName: 'X', adId: SANDBOX_IDS.ctwaAdIds[0] })
      .expect(400);
  });

  it('GET /_sandbox/dataset summarises ids; reset returns to the seeded state', async () => {
    const dataset = await request(sandbox.app).get('/_sandbox/dataset').expect(200);
    expect(dataset.body.ids).toEqual(SANDBOX_IDS);
    expect(dataset.body.ads).toHaveLength(SANDBOX_IDS.adIds.length + 2);
    expect(dataset.body.templates.length).toBeGreaterThanOrEqual(8);
    const token = await mintToken(sandbox);
    await request(sandbox.app)
      .post('/_sandbox/reply')
      .send({ from: '5215522223333', text: 'Hola' })
      .expect(200);
    await request(sandbox.app).post('/_sandbox/throttle').send({ enabled: true }).expect(200);
    await request(sandbox.app).post('/_sandbox/reset').expect(200);
    expect((await request(sandbox.app).get('/_sandbox/webhooks').expect(200)).body.data).toEqual([]);
    await request(sandbox.app).get('/me').query({ access_token: token }).expect(400);
    const fresh = await mintToken(sandbox);
    await request(sandbox.app)
      .get(`/${SANDBOX_IDS.adAccountId}/campaigns`)
      .query({ access_token: fresh })
      .expect(200);
  });
  it('POST /_sandbox/tokens/update changes expiry, data-access expiry and scopes as debug_token reports them', async () => {
    const token = await mintToken(sandbox);
    const appToken = `${SANDBOX_IDS.appId}|${TEST_SECRET}`;
    const debug = async () =>
      (
        await request(sandbox.app)
          .get('/v23.0/debug_token')
          .query({ input_token: token, access_token: appToken })
          .expect(200)
      ).body.data as {
        expires_at: number;
        data_access_expires_at: number;
        scopes: string[];
        is_valid: boolean;
      };
    const before = await debug();
    const now = Math.floor(Date.now() / 1000);
    expect(before.expires_at).toBeGreaterThan(now + 59 * 86_400);
    expect(before.scopes).toContain('leads_retrieval');

    const update = await request(sandbox.app)
      .post('/_sandbox/tokens/update')
      .send({
        token,
        expiresInSeconds: 5 * 86_400,
        dataAccessExpiresInSeconds: 3 * 86_400,
        scopes: ['business_management', 'ads_read'],
      })
      .expect(200);
    expect(update.body.scopes).toEqual(['business_management', 'ads_read', 'email', 'public_profile']);
    const after = await debug();
    expect(after.is_valid).toBe(true);
    expect(after.expires_at).toBeGreaterThanOrEqual(now + 5 * 86_400 - 5);
    expect(after.expires_at).toBeLessThanOrEqual(now + 5 * 86_400 + 5);
    expect(after.data_access_expires_at).toBeGreaterThanOrEqual(now + 3 * 86_400 - 5);
    expect(after.data_access_expires_at).toBeLessThanOrEqual(now + 3 * 86_400 + 5);
    expect(after.scopes).not.toContain('leads_retrieval');
    const permissions = await request(sandbox.app)
      .get('/v23.0/me/permissions')
      .query({ access_token: token })
      .expect(200);
    expect((permissions.body.data as { permission: string }[]).map((p) => p.permission)).not.toContain(
      'whatsapp_business_messaging',
    );

    // A token that never expires answers expires_at 0; a past expiry makes it invalid (190).
    await request(sandbox.app)
      .post('/_sandbox/tokens/update')
      .send({ token, expiresInSeconds: null })
      .expect(200);
    expect((await debug()).expires_at).toBe(0);
    await request(sandbox.app)
      .post('/_sandbox/tokens/update')
      .send({ token, expiresInSeconds: -1 })
      .expect(200);
    expect((await debug()).is_valid).toBe(false);

    await request(sandbox.app).post('/_sandbox/tokens/update').send({ token: 'EAAnope' }).expect(400);
    await request(sandbox.app)
      .post('/_sandbox/tokens/update')
      .send({ token, expiresInSeconds: 'soon' })
      .expect(400);
    await request(sandbox.app)
      .post('/_sandbox/tokens/update')
      .send({ token, scopes: 'ads_read' })
      .expect(400);
  });

  it('GET /_sandbox/tokens lists every access token and OAuth code handed out', async () => {
    const empty = await request(sandbox.app).get('/_sandbox/tokens').expect(200);
    expect(empty.body).toEqual({ tokens: [], codes: [] });
    const first = await mintToken(sandbox);
    const second = await mintToken(sandbox);
    await request(sandbox.app).post('/_sandbox/tokens/expire').send({ token: first }).expect(200);
    const listed = await request(sandbox.app).get('/_sandbox/tokens').expect(200);
    expect((listed.body.tokens as { token: string }[]).map((t) => t.token).sort()).toEqual(
      [first, second].sort(),
    );
  });
});
