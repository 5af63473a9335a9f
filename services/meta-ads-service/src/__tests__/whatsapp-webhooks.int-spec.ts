import { randomUUID } from 'node:crypto';
import {
  Events,
  LeadgenReceivedEvent,
  Rpc,
  WhatsappInboundEvent,
  WhatsappStatusEvent,
  type SendTemplateResult,
  type TemplateView,
} from '@crm/contracts';
import {
  BREAKER_RESET_MS,
  LEADGEN_RETRY_MS,
  startMetaAdsTestApp,
  waitFor,
  type MetaAdsTestApp,
} from './meta-ads-test-app';
import { rpcError } from '@crm/testing';

type SandboxMessage = {
  wamid: string;
  to: string;
  bizOpaqueCallbackData?: string;
  statuses: { status: string }[];
};
type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };

const randomWaId = (): string => `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('meta-ads-service: WhatsApp templates, sends and webhooks (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let inbound: WhatsappInboundEvent[];
  let statuses: WhatsappStatusEvent[];
  let leads: LeadgenReceivedEvent[];

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    inbound = await svc.collect(Events.whatsappInbound);
    statuses = await svc.collect(Events.whatsappStatus);
    leads = await svc.collect(Events.leadgenReceived);
  });

  afterAll(async () => {
    await svc?.close();
  });

  // The number, the WABA and the page belong to one tenant at a time: free what the test connected.
  afterEach(async () => {
    await svc.releaseAll();
  });

  const messagesTo = async (waId: string) =>
    (await svc.control<{ data: SandboxMessage[] }>(`/messages?to=${waId}`)).data;

  const webhooksOf = async (kind: string) =>
    (await svc.control<{ data: SandboxWebhook[] }>(`/webhooks?kind=${kind}`)).data;

  /** A new lead on the sandbox and the exact webhook body Meta would post for it. */
  const newLead = async (fullName: string) => {
    const adId = svc.ids.leadAdIds[0];
    const lead = await svc.control<{ leadgenId: string; pageId: string; formId: string }>('/leadgen', {
      adId,
      fullName,
      email: 'lead@example.com',
      phone: '+52 55 1234 0002',
    });
    const delivery = (await webhooksOf('leadgen')).find((w) => w.meta.leadgenId === lead.leadgenId)!;
    return { ...lead, adId, payload: delivery.payload };
  };

  const pendingRows = async (tenantId: string) =>
    (
      await svc.db.query<{ leadgen_id: string; attempts: number; code: string; page_id: string }>(
        `SELECT leadgen_id, attempts, last_error->>'code' AS code, page_id
           FROM meta_ads.pending_leadgen WHERE tenant_id = $1`,
        [tenantId],
      )
    ).rows;

  const statusOf = (tenantId: string) => svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });

  /** An APPROVED template of the sandbox WABA with body placeholders. */
  const approvedTemplate = async (tenantId: string): Promise<TemplateView> => {
    const templates = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId });
    const template = templates.find((t) => t.status === 'APPROVED' && t.parameterCount > 0);
    if (!template) throw new Error('the sandbox has no approved template with parameters');
    return template;
  };

  it('lists templates with their BODY parameter count, refreshing from Meta on demand', async () => {
    const { tenantId } = await svc.connectTenant();
    const templates = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId });
    const sandboxTemplates = svc.sandbox.state.templates.filter((t) => t.wabaId === svc.ids.wabaId);
    expect(templates).toHaveLength(sandboxTemplates.length);
    for (const template of templates) {
      const source = sandboxTemplates.find((t) => t.id === template.id)!;
      const body = source.components.find((c) => c.type === 'BODY');
      const expected = new Set((body && 'text' in body ? body.text : '').match(/\{\{\d+\}\}/g) ?? []).size;
      expect(template.parameterCount).toBe(expected);
      expect(template.status).toBe(source.status);
    }
    await svc.db.query(`DELETE FROM meta_ads.templates WHERE tenant_id = $1 AND name = $2`, [
      tenantId,
      templates[0].name,
    ]);
    expect(await svc.rpc.call(Rpc.meta.listTemplates, { tenantId })).toHaveLength(templates.length - 1);
    const refreshed = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId, refresh: true });
    expect(refreshed).toHaveLength(templates.length);
  });

  it('sends a template exactly once per idempotency key', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    const waId = randomWaId();
    const request = {
      tenantId,
      idempotencyKey: `lead_followup:${randomUUID()}`,
      to: `+${waId}`,
      templateName: template.name,
      language: template.language,
      bodyParameters: Array.from({ length: template.parameterCount }, (_, i) => `valor ${i + 1}`),
      callbackData: `crm-${randomUUID()}`,
    };
    const first = await svc.rpc.call(Rpc.meta.sendTemplate, request);
    expect(first).toEqual({ wamid: expect.stringMatching(/^wamid\./), status: 'accepted' });
    const second = await svc.rpc.call(Rpc.meta.sendTemplate, request);
    expect(second).toEqual(first);

    // Concurrent duplicates of a new key (to another recipient: one per 6 s each): still a single message.
    const otherWaId = randomWaId();
    const concurrentKey = {
      ...request,
      to: `+${otherWaId}`,
      idempotencyKey: `lead_followup:${randomUUID()}`,
    };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => svc.rpc.call(Rpc.meta.sendTemplate, concurrentKey)),
    );
    const wamids = new Set(
      results
        .filter((r) => r.status === 'fulfilled')
        .map((r) => (r as PromiseFulfilledResult<SendTemplateResult>).value.wamid),
    );
    expect(wamids.size).toBe(1);
    for (const rejected of results.filter((r) => r.status === 'rejected')) {
      expect((rejected as PromiseRejectedResult).reason.code).toBe('CONFLICT');
    }

    const sent = [...(await messagesTo(waId)), ...(await messagesTo(otherWaId))];
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m.wamid)).toEqual(expect.arrayContaining([first.wamid, ...wamids]));
    expect(sent.every((m) => m.bizOpaqueCallbackData === request.callbackData)).toBe(true);
    const { rows } = await svc.db.query(
      `SELECT status, wamid FROM meta_ads.sends WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, request.idempotencyKey],
    );
    expect(rows).toEqual([{ status: 'accepted', wamid: first.wamid }]);
  });

  it('a wrong parameter count → META_REJECTED with metaCode 132000; the key is then spent', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    const waId = randomWaId();
    const request = {
      tenantId,
      idempotencyKey: `bad:${randomUUID()}`,
      to: `+${waId}`,
      templateName: template.name,
      language: template.language,
      bodyParameters: Array.from({ length: template.parameterCount + 1 }, () => 'x'),
    };
    const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
    expect(error.code).toBe('META_REJECTED');
    expect(error.details).toMatchObject({ metaCode: 132000 });
    const { rows } = await svc.db.query(
      `SELECT status, error->>'code' AS code FROM meta_ads.sends WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, request.idempotencyKey],
    );
    expect(rows).toEqual([{ status: 'failed', code: 'META_REJECTED' }]);
    const retry = await rpcError(
      svc.rpc.call(Rpc.meta.sendTemplate, { ...request, bodyParameters: request.bodyParameters.slice(1) }),
    );
    expect(retry.code).toBe('CONFLICT');
    expect(await messagesTo(waId)).toHaveLength(0);
  });

  it('after a rate-limited send the same key may try again, and still sends only once', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    const waId = randomWaId();
    const request = {
      tenantId,
      idempotencyKey: `throttled:${randomUUID()}`,
      to: `+${waId}`,
      templateName: template.name,
      language: template.language,
      bodyParameters: Array.from({ length: template.parameterCount }, () => 'x'),
    };
    await svc.control('/throttle', { enabled: true, scope: 'whatsapp' });
    try {
      const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
      expect(error.code).toBe('META_RATE_LIMITED');
    } finally {
      await svc.control('/throttle', { enabled: false });
    }
    expect(await messagesTo(waId)).toHaveLength(0);
    await settle(BREAKER_RESET_MS + 200);
    const retried = await svc.rpc.call(Rpc.meta.sendTemplate, request);
    const again = await svc.rpc.call(Rpc.meta.sendTemplate, request);
    expect(again.wamid).toBe(retried.wamid);
    expect(await messagesTo(waId)).toHaveLength(1);
    const { rows } = await svc.db.query(
      `SELECT status FROM meta_ads.sends WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, request.idempotencyKey],
    );
    expect(rows).toEqual([{ status: 'accepted' }]);
  });

  it('refuses to send for a tenant without a connected number', async () => {
    const error = await rpcError(
      svc.rpc.call(Rpc.meta.sendTemplate, {
        tenantId: randomUUID(),
        idempotencyKey: 'k',
        to: '+5215512345678',
        templateName: 'x',
        language: 'es',
        bodyParameters: [],
      }),
    );
    expect(error.code).toBe('META_NOT_CONNECTED');
  });

  it('a CTWA inbound webhook → evt.meta.whatsapp.inbound with the ad attribution, once', async () => {
    const { tenantId } = await svc.connectTenant();
    const adId = svc.ids.ctwaAdIds[0];
    const ad = svc.sandbox.state.dataset.ads.find((a) => a.id === adId)!;
    const waId = randomWaId();
    const result = await svc.control<{ wamid: string; ctwaClid: string }>('/ctwa', {
      adId,
      from: waId,
      name: 'Ana',
    });
    const delivery = (await webhooksOf('message')).find((w) => w.meta.wamid === result.wamid)!;
    await svc.publishWebhook(delivery.payload);

    const event = await waitFor(() => inbound.find((e) => e.wamid === result.wamid), {
      what: 'inbound event',
    });
    expect(event).toMatchObject({
      tenantId,
      phoneNumberId: svc.ids.phoneNumberIds[0],
      from: `+${waId}`,
      contactName: 'Ana',
      referral: { sourceId: adId, sourceType: 'ad', ctwaClid: result.ctwaClid },
      attribution: { adId, adsetId: ad.adsetId, campaignId: ad.campaignId },
    });
    expect(event.text).toBeTruthy();
    expect(new Date(event.timestamp).getTime()).toBeGreaterThan(Date.now() - 120_000);

    // The same body again, past JetStream's duplicate window (new message id): no second event.
    await svc.publishWebhook(delivery.payload);
    await settle();
    expect(inbound.filter((e) => e.wamid === result.wamid)).toHaveLength(1);
  });

  it('a webhook for an unknown phone number id publishes nothing and does not block later webhooks', async () => {
    await svc.connectTenant();
    const waId = randomWaId();
    const result = await svc.control<{ wamid: string }>('/reply', { from: waId, text: 'hola' });
    const delivery = (await webhooksOf('message')).find((w) => w.meta.wamid === result.wamid)!;
    const body = JSON.parse(JSON.stringify(delivery.payload)) as {
      entry: { id: string; changes: { value: { metadata: { phone_number_id: string } } }[] }[];
    };
    body.entry[0].id = '777000777000';
    body.entry[0].changes[0].value.metadata.phone_number_id = '999000999000';
    await svc.publishWebhook(body);
    await svc.publishWebhook('{"object":"whatsapp_business_account","entry":[null,{"changes":7}]}');
    await svc.publishWebhook('[1,2,3]');
    await svc.publishWebhook(delivery.payload);
    await waitFor(() => inbound.find((e) => e.wamid === result.wamid), {
      what: 'the valid webhook after the unknown one',
    });
    await settle(300);
    expect(inbound.filter((e) => e.wamid === result.wamid)).toHaveLength(1);
  });

  it('status webhooks → evt.meta.whatsapp.status events (sent, delivered, read)', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    const waId = randomWaId();
    const callbackData = `crm-${randomUUID()}`;
    const { wamid } = await svc.rpc.call(Rpc.meta.sendTemplate, {
      tenantId,
      idempotencyKey: randomUUID(),
      to: `+${waId}`,
      templateName: template.name,
      language: template.language,
      bodyParameters: Array.from({ length: template.parameterCount }, () => 'x'),
      callbackData,
    });
    await waitFor(async () => (await messagesTo(waId))[0]?.statuses.length === 3, {
      what: 'sandbox statuses',
    });
    const deliveries = (await webhooksOf('status')).filter((w) => w.meta.wamid === wamid);
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) await svc.publishWebhook(delivery.payload);
    await svc.publishWebhook(deliveries[0].payload);

    const events = await waitFor(
      () => {
        const mine = statuses.filter((e) => e.wamid === wamid);
        return mine.length >= 3 ? mine : undefined;
      },
      { what: 'status events' },
    );
    expect(events.map((e) => e.status).sort()).toEqual(['delivered', 'read', 'sent']);
    expect(
      events.every(
        (e) => e.tenantId === tenantId && e.callbackData === callbackData && e.recipientId === waId,
      ),
    ).toBe(true);
    await settle();
    expect(statuses.filter((e) => e.wamid === wamid)).toHaveLength(3);
  });

  it('a failed status carries the mapped errors', async () => {
    const { tenantId } = await svc.connectTenant();
    const wamid = `wamid.TEST${randomUUID().replace(/-/g, '')}`;
    await svc.publishWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: svc.ids.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  phone_number_id: svc.ids.phoneNumberIds[0],
                  display_phone_number: '5215500000000',
                },
                statuses: [
                  {
                    id: wamid,
                    status: 'failed',
                    timestamp: '1767225600',
                    recipient_id: '5215512340000',
                    errors: [
                      { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' },
                    ],
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const event = await waitFor(() => statuses.find((e) => e.wamid === wamid), { what: 'failed status' });
    expect(event).toMatchObject({
      tenantId,
      status: 'failed',
      timestamp: '2026-01-01T00:00:00.000Z',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
  });

  it('a template status webhook updates the stored template status', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    await svc.publishWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: svc.ids.wabaId,
          time: 1751247548,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: Number(template.id),
                message_template_name: template.name,
                message_template_language: template.language.replace('_', '-'),
                reason: 'NONE',
              },
            },
          ],
        },
      ],
    });
    await waitFor(
      async () => {
        const templates = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId });
        return templates.find((t) => t.id === template.id)?.status === 'PAUSED';
      },
      { what: 'template paused' },
    );
  });

  it('a leadgen webhook → the lead is read with the tenant token and evt.meta.leadgen.received is published', async () => {
    const { tenantId } = await svc.connectTenant();
    const adId = svc.ids.leadAdIds[0];
    const ad = svc.sandbox.state.dataset.ads.find((a) => a.id === adId)!;
    const lead = await svc.control<{ leadgenId: string; pageId: string; formId: string }>('/leadgen', {
      adId,
      fullName: 'Lucía Pérez',
      email: 'lucia@example.com',
      phone: '+52 55 1234 0001',
    });
    const delivery = (await webhooksOf('leadgen')).find((w) => w.meta.leadgenId === lead.leadgenId)!;
    await svc.publishWebhook(delivery.payload);
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event',
    });
    expect(event).toMatchObject({
      tenantId,
      pageId: lead.pageId,
      formId: lead.formId,
      formName: svc.sandbox.state.dataset.leadForms.find((f) => f.id === lead.formId)!.name,
      fullName: 'Lucía Pérez',
      email: 'lucia@example.com',
      phone: '+525512340001',
      attribution: { adId, adsetId: ad.adsetId, campaignId: ad.campaignId },
    });
    await svc.publishWebhook(delivery.payload);
    await settle();
    expect(leads.filter((e) => e.leadgenId === lead.leadgenId)).toHaveLength(1);
  });

  it('a lead that arrives while the token is expired waits in pending_leadgen and is published once after the reconnect', async () => {
    const { tenantId } = await svc.connectTenant();
    await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });
    const lead = await newLead('Token Vencido');
    await svc.publishWebhook(lead.payload);

    const [row] = await waitFor(
      async () => {
        const rows = await pendingRows(tenantId);
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'pending_leadgen row' },
    );
    expect(row).toMatchObject({
      leadgen_id: lead.leadgenId,
      page_id: lead.pageId,
      code: 'META_TOKEN_EXPIRED',
    });
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    // The periodic retry leaves an expired tenant alone; nothing is published.
    await settle(LEADGEN_RETRY_MS * 3);
    expect(leads.find((e) => e.leadgenId === lead.leadgenId)).toBeUndefined();
    expect(await statusOf(tenantId)).toMatchObject({ state: 'expired', pendingLeads: 1 });

    // Meta redelivering the webhook meanwhile does not lose or duplicate it.
    await svc.publishWebhook(lead.payload);
    await waitFor(async () => (await pendingRows(tenantId))[0]?.attempts === row.attempts + 1, {
      what: 'second attempt recorded',
    });

    const reconnected = await svc.rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: await svc.mintToken(),
    });
    expect(reconnected.state).toBe('connected');
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event after the reconnect',
    });
    expect(event).toMatchObject({
      tenantId,
      pageId: lead.pageId,
      formId: lead.formId,
      fullName: 'Token Vencido',
      email: 'lead@example.com',
      phone: '+525512340002',
      attribution: { adId: lead.adId },
    });
    await waitFor(async () => (await pendingRows(tenantId)).length === 0, { what: 'pending row deleted' });
    expect(await statusOf(tenantId)).toMatchObject({ state: 'connected', pendingLeads: 0 });

    // Published once: redelivery and later sweeps change nothing.
    await svc.publishWebhook(lead.payload);
    await settle(LEADGEN_RETRY_MS * 3);
    expect(leads.filter((e) => e.leadgenId === lead.leadgenId)).toHaveLength(1);
    expect(await pendingRows(tenantId)).toEqual([]);
  }, 30_000);

  it('a lead that arrives during a Meta outage is published by the periodic retry once Meta is back', async () => {
    const { tenantId } = await svc.connectTenant();
    const lead = await newLead('Meta Caído');
    await svc.control('/outage', { enabled: true });
    try {
      await svc.publishWebhook(lead.payload);
      const [row] = await waitFor(
        async () => {
          const rows = await pendingRows(tenantId);
          return rows.length > 0 ? rows : undefined;
        },
        { what: 'pending_leadgen row' },
      );
      expect(row).toMatchObject({ leadgen_id: lead.leadgenId, code: 'META_UNAVAILABLE' });
      await settle(LEADGEN_RETRY_MS * 2);
      expect(leads.find((e) => e.leadgenId === lead.leadgenId)).toBeUndefined();
    } finally {
      await svc.control('/outage', { enabled: false });
    }
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event from the periodic retry',
      timeoutMs: 20_000,
    });
    expect(event).toMatchObject({ tenantId, fullName: 'Meta Caído' });
    await waitFor(async () => (await pendingRows(tenantId)).length === 0, { what: 'pending row deleted' });
    expect(leads.filter((e) => e.leadgenId === lead.leadgenId)).toHaveLength(1);
  }, 40_000);
  /** A WhatsApp `messages` change for the sandbox number. */
  const waChange = (value: Record<string, unknown>) => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { phone_number_id: svc.ids.phoneNumberIds[0], display_phone_number: '5215500000000' },
      ...value,
    },
  });
  const waBody = (...changes: unknown[]) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: svc.ids.wabaId, changes }],
  });
  const textMessage = (wamid: string, from: string, body: string) => ({
    from,
    id: wamid,
    timestamp: '1767225600',
    type: 'text',
    text: { body },
  });
  const statusItem = (wamid: string, status = 'delivered') => ({
    id: wamid,
    status,
    timestamp: '1767225600',
    recipient_id: '5215512340000',
  });
  const newWamid = () => `wamid.TEST${randomUUID().replace(/-/g, '')}`;

  it("Meta's documented Lead Ads webhook with ids as JSON numbers → the lead with the exact ids, campaign resolved", async () => {
    const { tenantId } = await svc.connectTenant();
    // A new lead (after the Page was chosen: no backfill reads it) whose ids JSON.parse would round (the bug this
    // guards against), from an ad whose id would be rounded too.
    const ad = svc.sandbox.state.dataset.ads.find(
      (a) => svc.ids.leadAdIds.includes(a.id) && String(Number(a.id)) !== a.id,
    )!;
    expect(ad).toBeDefined();
    let lead: { leadgenId: string; formId: string };
    do {
      lead = await svc.control('/leadgen', { adId: ad.id, fullName: 'Ids Numéricos', webhook: false });
    } while (String(Number(lead.leadgenId)) === lead.leadgenId);
    // The shape of REFERENCE §6.2, ids written as numbers the way Meta's docs print them.
    const body =
      `{"object": "page", "entry": [{"id": ${svc.ids.pageId}, "time": 1438292065, "changes": [{"field": "leadgen", ` +
      `"value": {"leadgen_id": ${lead.leadgenId}, "page_id": ${svc.ids.pageId}, "form_id": ${lead.formId}, ` +
      `"adgroup_id": ${ad.id}, "ad_id": ${ad.id}, "created_time": 1440120384}}]}]}`;
    await svc.publishWebhook(body);
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), {
      what: 'leadgen event',
    });
    expect(event).toMatchObject({
      tenantId,
      leadgenId: lead.leadgenId,
      pageId: svc.ids.pageId,
      formId: lead.formId,
      fullName: 'Ids Numéricos',
      attribution: { adId: ad.id, adsetId: ad.adsetId, campaignId: ad.campaignId },
    });
  });

  it('malformed entries, changes and items are refused while their valid siblings are processed', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = await approvedTemplate(tenantId);
    const waId = randomWaId();
    const goodInbound = newWamid();
    const goodStatus = newWamid();
    const badStatus = newWamid();
    await svc.publishWebhook({
      object: 'whatsapp_business_account',
      entry: [
        null,
        { id: svc.ids.wabaId, changes: 7 },
        {
          id: svc.ids.wabaId,
          changes: [
            null,
            waChange({
              contacts: 'abc',
              statuses: {},
              messages: [
                null,
                textMessage(goodInbound, waId, 'hola'),
                { id: newWamid(), from: waId, timestamp: '99999999999999999' },
              ],
            }),
            waChange({
              statuses: [{ ...statusItem(badStatus, 'failed'), errors: [null] }, statusItem(goodStatus)],
            }),
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_name: template.name,
                message_template_language: { code: template.language },
              },
            },
          ],
        },
      ],
    });
    await waitFor(() => inbound.find((e) => e.wamid === goodInbound), { what: 'the valid inbound message' });
    await waitFor(() => statuses.find((e) => e.wamid === goodStatus), { what: 'the valid status' });
    await settle(300);
    expect(statuses.find((e) => e.wamid === badStatus)).toBeUndefined();
    expect(inbound.find((e) => e.wamid === goodInbound)).toMatchObject({
      tenantId,
      from: `+${waId}`,
      text: 'hola',
    });
    const templates = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId });
    expect(templates.find((t) => t.id === template.id)?.status).toBe(template.status);
    // The consumer is still healthy: the next webhook goes through.
    const after = newWamid();
    await svc.publishWebhook(waBody(waChange({ statuses: [statusItem(after)] })));
    await waitFor(() => statuses.find((e) => e.wamid === after), {
      what: 'a status after the malformed body',
    });
  });

  it('a ~1 MB body of escaped text and many statuses is processed (text exact, NUL removed)', async () => {
    const { tenantId } = await svc.connectTenant();
    const waId = randomWaId();
    const wamid = newWamid();
    const text = 'é"\\'.repeat(110_000);
    const statusWamids = Array.from({ length: 500 }, newWamid);
    const raw = JSON.stringify(
      waBody(
        waChange({
          contacts: [{ wa_id: waId, profile: { name: 'Ana\u0000 María' } }],
          messages: [textMessage(wamid, waId, text)],
        }),
        waChange({ statuses: statusWamids.map((id) => statusItem(id)) }),
      ),
    ).replace(/é/g, '\\u00e9');
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1_000_000);
    await svc.publishWebhook(raw);
    const event = await waitFor(() => inbound.find((e) => e.wamid === wamid), {
      what: 'the big inbound message',
    });
    expect(event).toMatchObject({ tenantId, contactName: 'Ana María' });
    expect(event.text).toBe(text);
    await waitFor(() => statusWamids.every((id) => statuses.some((e) => e.wamid === id)) || undefined, {
      what: 'every status of the big body',
      timeoutMs: 30_000,
    });
  }, 60_000);

  it('a body of 5,000 statuses is processed and does not hold up the next webhook for more than a few seconds', async () => {
    await svc.connectTenant();
    const many = Array.from({ length: 5000 }, newWamid);
    const next = newWamid();
    await svc.publishWebhook(waBody(waChange({ statuses: many.map((id) => statusItem(id, 'read')) })));
    const sentAt = Date.now();
    await svc.publishWebhook(waBody(waChange({ statuses: [statusItem(next, 'read')] })));
    // Measured on the service's own receipt (the test's event collector drains 5,000 events first).
    await waitFor(
      async () =>
        (
          await svc.db.query(`SELECT 1 FROM meta_ads.webhook_receipts WHERE event_key = $1`, [
            `wa-st:${next}:read`,
          ])
        ).rows.length === 1 || undefined,
      { what: 'the webhook after the big one', timeoutMs: 30_000, intervalMs: 50 },
    );
    const waited = Date.now() - sentAt;
    await waitFor(
      () => {
        const seen = new Set(statuses.filter((e) => e.status === 'read').map((e) => e.wamid));
        return (many.every((id) => seen.has(id)) && seen.has(next)) || undefined;
      },
      { what: 'all 5,001 status events', timeoutMs: 30_000 },
    );
    const { rows } = await svc.db.query<{ count: string }>(
      `SELECT count(*) FROM meta_ads.webhook_receipts WHERE event_key = ANY($1)`,
      [many.map((id) => `wa-st:${id}:read`)],
    );
    expect(Number(rows[0].count)).toBe(5000);
    expect(waited).toBeLessThan(8_000);
  }, 90_000);
});
