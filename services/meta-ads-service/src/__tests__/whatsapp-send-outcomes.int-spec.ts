import { randomUUID } from 'node:crypto';
import { Rpc, type SendTemplateRequest, type TemplateView } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxMessage = { wamid: string; to: string; statuses: { status: string }[] };
type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };

const randomWaId = (): string => `52156${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/**
 * Issue 7, the send side of exactly once: what may have reached Meta is `unknown` (never re-sent with the same key),
 * settled by its status webhook; `meta.whatsapp.send-outcome` tells the caller; the pair rate limit is kept here.
 */
describe('meta-ads-service: WhatsApp send outcomes (real DB, NATS, Redis, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let tenantId: string;
  let template: TemplateView;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    ({ tenantId } = await svc.connectTenant());
    const templates = await svc.rpc.call(Rpc.meta.listTemplates, { tenantId });
    template = templates.find((t) => t.status === 'APPROVED' && t.parameterCount > 0)!;
  });

  afterAll(async () => {
    await svc.releaseAll();
    await svc?.close();
  });

  const messagesTo = async (waId: string) =>
    (await svc.control<{ data: SandboxMessage[] }>(`/messages?to=${waId}`)).data;
  const requestTo = (waId: string, key = `automation:${randomUUID()}`): SendTemplateRequest => ({
    tenantId,
    idempotencyKey: key,
    to: `+${waId}`,
    templateName: template.name,
    language: template.language,
    bodyParameters: Array.from({ length: template.parameterCount }, () => 'x'),
    callbackData: `automation:${randomUUID()}`,
  });
  const outcomeOf = (key: string) => svc.rpc.call(Rpc.meta.sendOutcome, { tenantId, idempotencyKey: key });

  for (const mode of ['5xx', 'no_wamid'] as const) {
    it(`Meta accepts but answers ${mode}: unknown, never re-sent, settled by its status webhook`, async () => {
      const waId = randomWaId();
      const request = requestTo(waId);
      await svc.control('/whatsapp/fail-after-accept', { count: 1, mode });
      const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
      expect(error.code).toBe('META_UNAVAILABLE');
      expect(error.details).toMatchObject({ outcome: 'unknown', reason: 'outcome_unknown' });
      expect(await outcomeOf(request.idempotencyKey)).toEqual({
        state: 'unknown',
        wamid: null,
        error: expect.objectContaining({ code: 'META_UNAVAILABLE' }),
      });

      // The same key again (a retry after the lost answer): refused, not sent a second time.
      const again = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
      expect(again.code).toBe('CONFLICT');
      expect(again.details).toMatchObject({ outcome: 'unknown' });
      const sent = await messagesTo(waId);
      expect(sent).toHaveLength(1);

      // Its status webhook (with our callback data) settles it: accepted with Meta's wamid.
      await waitFor(async () => (await messagesTo(waId))[0]?.statuses.length >= 1, { what: 'sent status' });
      const hooks = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=status')).data;
      const sentHook = hooks.find((h) => h.meta.wamid === sent[0].wamid && h.meta.status === 'sent')!;
      await svc.publishWebhook(sentHook.payload);
      const settled = await waitFor(
        async () => {
          const outcome = await outcomeOf(request.idempotencyKey);
          return outcome.state === 'accepted' ? outcome : undefined;
        },
        { what: 'the webhook to settle the send' },
      );
      expect(settled).toEqual({ state: 'accepted', wamid: sent[0].wamid, error: null });
      expect(await svc.rpc.call(Rpc.meta.sendTemplate, request)).toEqual({
        wamid: sent[0].wamid,
        status: 'accepted',
      });
      expect(await messagesTo(waId)).toHaveLength(1);
    });
  }

  it('send-outcome: not_found for a key never seen, failed (final, with reason) for a rejected template', async () => {
    expect(await outcomeOf(`automation:${randomUUID()}`)).toEqual({
      state: 'not_found',
      wamid: null,
      error: null,
    });
    const request = { ...requestTo(randomWaId()), templateName: 'no_existe_plantilla' };
    const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
    expect(error.code).toBe('META_REJECTED');
    expect(error.details).toMatchObject({
      metaCode: 132001,
      reason: 'template_not_approved',
      outcome: 'not_sent',
    });
    expect(await outcomeOf(request.idempotencyKey)).toMatchObject({
      state: 'failed',
      error: { code: 'META_REJECTED' },
    });
    const again = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
    expect(again.code).toBe('CONFLICT');
    expect(again.details).toMatchObject({
      outcome: 'failed',
      metaCode: 132001,
      reason: 'template_not_approved',
    });
  });

  it('keeps the pair rate limit across keys: a second template to the same recipient waits ~6 s (not sent)', async () => {
    const waId = randomWaId();
    await svc.rpc.call(Rpc.meta.sendTemplate, requestTo(waId));
    const second = requestTo(waId);
    const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, second));
    expect(error.code).toBe('META_RATE_LIMITED');
    expect(error.details).toMatchObject({
      reason: 'meta_pair_rate_limited',
      local: true,
      outcome: 'not_sent',
    });
    expect(Number(error.details?.retryAfterMs)).toBeGreaterThan(4_000);
    expect(Number(error.details?.retryAfterMs)).toBeLessThanOrEqual(6_000);
    expect(await outcomeOf(second.idempotencyKey)).toMatchObject({ state: 'failed' });
    expect(await messagesTo(waId)).toHaveLength(1);
    const limits = await svc.control<{ rejected: { pair: number } }>('/whatsapp/limits');
    expect(limits.rejected.pair).toBe(0);
  });

  it("Meta's 131056 for a burst the sandbox refuses is a rate limit with a ≥ 6 s wait, and the key may retry", async () => {
    // Meta's own pair limit (the sandbox with no burst), met by a recipient our pacing had not seen.
    await svc.control('/whatsapp/limits', { pairBurst: 1 });
    try {
      const waId = randomWaId();
      // A message to this recipient sent outside this service (e.g. from the WhatsApp app).
      const token = await svc.storedToken(tenantId);
      const outside = await fetch(`${svc.sandboxUrl}/v23.0/${svc.ids.phoneNumberIds[0]}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          to: waId,
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language },
            components: [
              {
                type: 'body',
                parameters: Array.from({ length: template.parameterCount }, () => ({
                  type: 'text',
                  text: 'x',
                })),
              },
            ],
          },
        }),
      });
      expect(outside.status).toBe(200);
      const request = requestTo(waId);
      const error = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
      expect(error.code).toBe('META_RATE_LIMITED');
      expect(error.details).toMatchObject({
        metaCode: 131056,
        reason: 'meta_pair_rate_limited',
        outcome: 'not_sent',
      });
      expect(Number(error.details?.retryAfterSeconds)).toBeGreaterThanOrEqual(6);
      expect(await outcomeOf(request.idempotencyKey)).toMatchObject({ state: 'failed' });
      expect(await messagesTo(waId)).toHaveLength(1);
    } finally {
      await svc.control('/whatsapp/limits', { pairBurst: 45 });
    }
  });

  it('a reservation whose replica died before the request left is abandoned as not sent; the same key then sends once', async () => {
    const waId = randomWaId();
    const request = requestTo(waId);
    await svc.db.query(
      `INSERT INTO meta_ads.sends (id, tenant_id, idempotency_key, "to", kind, template_name, language, status,
                                   callback_data, requested_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'template', $5, $6, 'requested', $7, NULL,
               now() - interval '1 minute', now() - interval '1 minute')`,
      [
        randomUUID(),
        tenantId,
        request.idempotencyKey,
        request.to,
        template.name,
        template.language,
        request.callbackData,
      ],
    );
    const conflict = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, request));
    expect(conflict.code).toBe('CONFLICT');
    expect(await outcomeOf(request.idempotencyKey)).toMatchObject({
      state: 'failed',
      error: { code: 'META_UNAVAILABLE' },
    });
    const sent = await svc.rpc.call(Rpc.meta.sendTemplate, request);
    expect(sent.wamid).toMatch(/^wamid\./);
    expect(await svc.rpc.call(Rpc.meta.sendTemplate, request)).toEqual(sent);
    expect(await messagesTo(waId)).toHaveLength(1);
  });

  it('an unknown send is taken as not sent only on evidence: a later message from its number reported by WhatsApp', async () => {
    const number = svc.ids.phoneNumberIds[0];
    const insertUnknown = async (
      request: SendTemplateRequest,
      fields: { begunAgo: string; phoneNumberId: string; status?: 'unknown' | 'requested'; ended?: boolean },
    ) =>
      svc.db.query(
        `INSERT INTO meta_ads.sends (id, tenant_id, idempotency_key, "to", kind, template_name, language, status,
                                     callback_data, requested_at, request_ended_at, phone_number_id, created_at,
                                     updated_at)
         VALUES ($1, $2, $3, $4, 'template', $5, $6, $7, $8, now() - $9::interval,
                 CASE WHEN $10 THEN now() - $9::interval + interval '1 second' END, $11,
                 now() - $9::interval, now() - $9::interval)`,
        [
          randomUUID(),
          tenantId,
          request.idempotencyKey,
          request.to,
          template.name,
          template.language,
          fields.status ?? 'unknown',
          request.callbackData,
          fields.begunAgo,
          fields.ended ?? true,
          fields.phoneNumberId,
        ],
      );
    // Ended 10 minutes ago (an answer we could not trust), and one whose replica died mid-call (no end recorded).
    const lost = requestTo(randomWaId());
    const diedMidCall = requestTo(randomWaId());
    // Ended a minute ago: within the 2-minute grace, a later message proves nothing about it yet.
    const recent = requestTo(randomWaId());
    // Two days old on another number: past the horizon with no evidence either way.
    const stale = requestTo(randomWaId());
    await insertUnknown(lost, { begunAgo: '10 minutes', phoneNumberId: number });
    await insertUnknown(diedMidCall, {
      begunAgo: '10 minutes',
      phoneNumberId: number,
      status: 'requested',
      ended: false,
    });
    await insertUnknown(recent, { begunAgo: '1 minute', phoneNumberId: number });
    await insertUnknown(stale, { begunAgo: '2 days', phoneNumberId: 'another-number' });
    // The messages of the tests above were reported seconds ago: evidence about anything older. Start this one clean.
    await svc.db.query(`UPDATE meta_ads.sends SET status_reported_at = NULL WHERE tenant_id = $1`, [
      tenantId,
    ]);
    expect(await outcomeOf(lost.idempotencyKey)).toMatchObject({ state: 'unknown' });
    expect(await outcomeOf(diedMidCall.idempotencyKey)).toMatchObject({ state: 'unknown' });

    // Another message from the same number, sent now; nothing counts until WhatsApp reports it.
    const later = await svc.rpc.call(Rpc.meta.sendTemplate, requestTo(randomWaId()));
    expect(await outcomeOf(lost.idempotencyKey)).toMatchObject({ state: 'unknown' });
    await waitFor(
      async () =>
        (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=status')).data.some(
          (h) => h.meta.wamid === later.wamid && h.meta.status === 'sent',
        ),
      { what: 'the later message to be reported' },
    );
    const hook = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=status')).data.find(
      (h) => h.meta.wamid === later.wamid && h.meta.status === 'sent',
    )!;
    await svc.publishWebhook(hook.payload);
    const notSent = await waitFor(
      async () => {
        const outcome = await outcomeOf(lost.idempotencyKey);
        return outcome.state === 'failed' ? outcome : undefined;
      },
      { what: 'the evidence to be seen' },
    );
    expect(notSent.error).toMatchObject({
      code: 'META_UNAVAILABLE',
      message: `not sent: WhatsApp has since reported a later message from this number (${later.wamid}) and never this one`,
    });
    expect(await outcomeOf(diedMidCall.idempotencyKey)).toMatchObject({ state: 'failed' });
    expect(await outcomeOf(recent.idempotencyKey)).toMatchObject({ state: 'unknown' });
    // Never "not sent" for time alone: past the horizon without evidence it is expired, and stays unsent-unknown.
    expect(await outcomeOf(stale.idempotencyKey)).toMatchObject({ state: 'expired', wamid: null });
    const refused = await rpcError(svc.rpc.call(Rpc.meta.sendTemplate, stale));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { outcome: 'unknown' } });

    // The same key may now go (once): the reservation is reclaimed and sent.
    const resent = await svc.rpc.call(Rpc.meta.sendTemplate, lost);
    expect(resent.wamid).toMatch(/^wamid\./);
    expect(await messagesTo(lost.to.slice(1))).toHaveLength(1);
    expect(await svc.rpc.call(Rpc.meta.sendTemplate, lost)).toEqual(resent);
  });
});
