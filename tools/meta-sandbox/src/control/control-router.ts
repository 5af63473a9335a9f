import { Router, type Request, type Response } from 'express';
import { idsOf, listAdsOf } from '../dataset/sandbox-ids';
import { GraphError } from '../http/graph-error';
import { bodyObject } from '../http/request-params';
import { simulateLead } from '../graph/lead-simulator';
import { datasetsOf } from '../conversions/conversions-api';
import { describeReportRun } from '../graph/report-runs';
import {
  ALL_SCOPES,
  dataAccessExpiry,
  LONG_LIVED_SECONDS,
  mintToken,
  normaliseScopes,
} from '../oauth/token-service';
import type { SandboxState, SentMessage, WebhookDelivery } from '../state/sandbox-state';
import { simulateInbound } from '../whatsapp/inbound-simulator';
import { normalisePhone } from '../whatsapp/phone-format';
import type { SandboxTemplate } from '../dataset/dataset.types';
import {
  QUALITY_SCORES,
  TEMPLATE_REVIEW_STATUSES,
  addTemplates,
  rateTemplate,
  reviewTemplate,
  type TemplateReview,
} from '../whatsapp/template-management';

const badRequest = (message: string): GraphError =>
  new GraphError({ message: `(#100) ${message}`, code: 100 });

const iso = (ms: number): string => new Date(ms).toISOString();

const messageView = (message: SentMessage): Record<string, unknown> => ({
  wamid: message.wamid,
  to: message.to,
  input: message.input,
  phoneNumberId: message.phoneNumberId,
  type: message.type,
  template: message.template
    ? {
        name: message.template.name,
        language: message.template.language,
        category: message.template.category,
        params: message.template.bodyParams,
      }
    : undefined,
  text: message.text,
  bizOpaqueCallbackData: message.bizOpaqueCallbackData,
  createdAt: iso(message.createdAt),
  statuses: message.statuses.map((s) => ({ status: s.status, at: iso(s.at), delivered: s.delivered })),
});

const webhookView = (delivery: WebhookDelivery): Record<string, unknown> => ({
  id: delivery.id,
  kind: delivery.kind,
  url: delivery.url,
  createdAt: iso(delivery.createdAt),
  delivered: delivery.delivered,
  settled: delivery.settled,
  meta: delivery.meta,
  signature: delivery.signature,
  payload: JSON.parse(delivery.body) as unknown,
  attempts: delivery.attempts.map((a) => ({ ...a, at: iso(a.at) })),
});

/** Control API for tests and the demo (no auth), mounted at `/_sandbox`. */
export const createControlRouter = (state: SandboxState): Router => {
  const router = Router();
  const templateOf = (id: string | string[] | undefined): SandboxTemplate => {
    const template = state.templates.find((t) => t.id === id || t.name === id);
    if (!template) throw badRequest(`unknown template ${String(id)}`);
    return template;
  };

  router.get('/health', (_req: Request, res: Response) => {
    res.json({ ok: true });
  });

  router.get('/dataset', (_req: Request, res: Response) => {
    const { dataset } = state;
    res.json({
      ids: idsOf(dataset),
      user: dataset.user,
      businesses: dataset.businesses.map((b) => ({ id: b.id, name: b.name })),
      adAccounts: dataset.adAccounts.map((a) => ({
        id: `act_${a.accountId}`,
        name: a.name,
        currency: a.currency,
        timezone: a.timezoneName,
        accountStatus: a.accountStatus,
      })),
      campaigns: dataset.campaigns.map((c) => ({
        id: c.id,
        name: c.name,
        accountId: `act_${c.accountId}`,
        objective: c.objective,
        status: c.status,
      })),
      ads: listAdsOf(dataset),
      waba: dataset.wabas.map((w) => ({ id: w.id, name: w.name })),
      phoneNumbers: dataset.phoneNumbers.map((p) => ({
        id: p.id,
        displayPhoneNumber: p.displayPhoneNumber,
        verifiedName: p.verifiedName,
      })),
      pages: dataset.pages.map((p) => ({ id: p.id, name: p.name })),
      forms: dataset.leadForms.map((f) => ({ id: f.id, name: f.name, pageId: f.pageId })),
      templates: state.templates.map((t) => ({
        id: t.id,
        name: t.name,
        language: t.language,
        status: t.status,
        category: t.category,
      })),
    });
  });

  router.post('/ctwa', async (req: Request, res: Response) => {
    const body = bodyObject(req);
    if (body.adId === undefined) throw badRequest('adId is required');
    const result = await simulateInbound(state, body);
    res.json(result);
  });

  router.post('/reply', async (req: Request, res: Response) => {
    const body = bodyObject(req);
    if (typeof body.text !== 'string' || body.text === '') throw badRequest('text is required');
    const result = await simulateInbound(state, { ...body, adId: undefined });
    res.json(result);
  });

  /**
   * The contact taps a quick-reply button, as Meta reports it: `kind` `button` (a template's button: `payload` as
   * given when the template was sent, else the label) or `interactive` (`button_reply` {id, title}); `text` is the
   * label; `contextWamid` the message the button belonged to.
   */
  router.post('/button-reply', async (req: Request, res: Response) => {
    const body = bodyObject(req);
    if (typeof body.text !== 'string' || body.text === '')
      throw badRequest('text (the button label) is required');
    const kind = body.kind ?? 'button';
    if (kind !== 'button' && kind !== 'interactive') throw badRequest('kind must be button or interactive');
    if (body.payload !== undefined && typeof body.payload !== 'string')
      throw badRequest('payload must be a string');
    const payload = typeof body.payload === 'string' && body.payload !== '' ? body.payload : body.text;
    const result = await simulateInbound(state, { ...body, adId: undefined, button: { kind, payload } });
    res.json(result);
  });

  router.post('/leadgen', async (req: Request, res: Response) => {
    res.json(await simulateLead(state, bodyObject(req)));
  });

  /**
   * Every secret the sandbox handed out since its start (or last reset): access tokens (user and page, live or not)
   * and OAuth codes (used or not). The end-to-end log scan asserts none of them reached a log line.
   */
  router.get('/tokens', (_req: Request, res: Response) => {
    res.json({
      tokens: [...state.tokens.values()].map((t) => ({ token: t.token, kind: t.kind, revoked: t.revoked })),
      codes: [...state.codes.values()].map((c) => ({ code: c.code, used: c.used })),
    });
  });

  router.post('/tokens', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : ALL_SCOPES;
    const expiresIn = typeof body.expiresInSeconds === 'number' ? body.expiresInSeconds : LONG_LIVED_SECONDS;
    const record = mintToken(state, {
      scopes: normaliseScopes(scopes),
      lifetimeSeconds: expiresIn,
      longLived: true,
    });
    res.json({
      access_token: record.token,
      token_type: 'bearer',
      expires_in: expiresIn,
      scopes: record.scopes,
      user_id: record.userId,
    });
  });

  router.post('/tokens/expire', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const now = state.now();
    let expired = 0;
    for (const record of state.tokens.values()) {
      if (typeof body.token === 'string' && record.token !== body.token) continue;
      record.forcedExpiredAt = now;
      expired += 1;
    }
    if (typeof body.token === 'string' && expired === 0) throw badRequest('Unknown token');
    res.json({ expired });
  });

  /**
   * Change a token as Meta would after the fact: its expiry (`expiresInSeconds`, null = never), its data-access expiry
   * (`dataAccessExpiresInSeconds`) and its granted scopes (`scopes`, e.g. after the user removed one in Facebook's
   * settings; `email`/`public_profile` stay). `debug_token` and `/me/permissions` answer the new values.
   */
  router.post('/tokens/update', (req: Request, res: Response) => {
    const body = bodyObject(req);
    if (typeof body.token !== 'string') throw badRequest('token is required');
    const record = state.tokens.get(body.token);
    if (!record) throw badRequest('Unknown token');
    const seconds = (name: string, value: unknown, nullable: boolean): number | null | undefined => {
      if (value === undefined || (nullable && value === null)) return value as null | undefined;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw badRequest(`${name} must be a number of seconds`);
      return value;
    };
    const expiresIn = seconds('expiresInSeconds', body.expiresInSeconds, true);
    const dataAccessIn = seconds('dataAccessExpiresInSeconds', body.dataAccessExpiresInSeconds, false);
    if (
      body.scopes !== undefined &&
      (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string'))
    )
      throw badRequest('scopes must be an array of permission names');
    const now = state.now();
    if (expiresIn !== undefined) record.expiresAt = expiresIn === null ? null : now + expiresIn * 1000;
    if (typeof dataAccessIn === 'number') record.dataAccessExpiresAt = now + dataAccessIn * 1000;
    if (Array.isArray(body.scopes)) record.scopes = normaliseScopes(body.scopes.map(String));
    res.json({
      token: 'updated',
      expires_at: record.expiresAt === null ? 0 : Math.floor(record.expiresAt / 1000),
      data_access_expires_at: Math.floor(dataAccessExpiry(record) / 1000),
      scopes: record.scopes,
    });
  });

  /** Async insights report runs: how many polls a job takes, make the next ones fail, refuse big sync reads. */
  router.post('/insights/async', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const next = { ...state.asyncInsights };
    if (body.pollsToComplete !== undefined) {
      const polls = body.pollsToComplete;
      if (typeof polls !== 'number' || !Number.isInteger(polls) || polls < 0 || polls > 1000)
        throw badRequest('pollsToComplete must be an integer from 0 to 1000');
      next.pollsToComplete = polls;
    }
    if (body.fail !== undefined) {
      if (body.fail !== 'Job Failed' && body.fail !== 'Job Skipped')
        throw badRequest('fail must be "Job Failed" or "Job Skipped"');
      next.failAs = body.fail;
      const count = body.count ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
        throw badRequest('count must be a non-negative integer');
      next.failNext = count;
    }
    if (body.syncTooMuchData !== undefined) {
      if (typeof body.syncTooMuchData !== 'boolean') throw badRequest('syncTooMuchData must be a boolean');
      next.syncTooMuchData = body.syncTooMuchData;
    }
    state.asyncInsights = next;
    res.json({ asyncInsights: state.asyncInsights });
  });

  /** The report runs created so far (id, polls, status, query), oldest first. */
  router.get('/insights/report-runs', (_req: Request, res: Response) => {
    res.json({ data: [...state.reportRuns.values()].map(describeReportRun) });
  });

  router.post('/throttle', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const enabled = body.enabled === true;
    const scope = typeof body.scope === 'string' ? body.scope : 'all';
    if (!['ads', 'insights', 'whatsapp', 'all'].includes(scope))
      throw badRequest('scope must be ads, insights, whatsapp or all');
    if (body.code !== undefined && ![4, 17, 80000, 80004].includes(Number(body.code)))
      throw badRequest('code must be 4, 17, 80000 or 80004');
    if (scope === 'ads' || scope === 'all') state.throttle.ads = enabled;
    if (scope === 'insights' || scope === 'all') state.throttle.insights = enabled;
    if (scope === 'whatsapp' || scope === 'all') state.throttle.whatsapp = enabled;
    state.throttle.code = body.code === undefined ? undefined : Number(body.code);
    res.json({ throttle: state.throttle });
  });

  router.post('/outage', (req: Request, res: Response) => {
    state.outage = bodyObject(req).enabled === true;
    res.json({ outage: state.outage });
  });

  /** WhatsApp send limits (throughput per number, pair rate limit) and how often they refused a send. */
  router.get('/whatsapp/limits', (_req: Request, res: Response) => {
    res.json({ limits: state.whatsappLimits, rejected: state.limitRejections });
  });

  router.post('/whatsapp/limits', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const positive = (value: unknown, name: string, max: number): number | undefined => {
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max)
        throw badRequest(`${name} must be a number in (0, ${max}]`);
      return value;
    };
    const mps = positive(body.mps, 'mps', 1000);
    const pairBurst = positive(body.pairBurst, 'pairBurst', 1000);
    const pairIntervalMs = positive(body.pairIntervalMs, 'pairIntervalMs', 3_600_000);
    state.whatsappLimits = {
      mps: mps ?? state.whatsappLimits.mps,
      pairBurst: pairBurst ?? state.whatsappLimits.pairBurst,
      pairIntervalMs: pairIntervalMs ?? state.whatsappLimits.pairIntervalMs,
    };
    state.numberBuckets.clear();
    state.pairBuckets.clear();
    res.json({ limits: state.whatsappLimits, rejected: state.limitRejections });
  });

  /**
   * The next `count` sends are accepted, recorded and delivered (status webhooks as usual) but answered with an
   * HTTP 500 (`mode: '5xx'`, default) or a 2xx without a message id (`mode: 'no_wamid'`).
   */
  router.post('/whatsapp/fail-after-accept', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
      throw badRequest('count must be a non-negative integer');
    const mode = body.mode ?? '5xx';
    if (mode !== '5xx' && mode !== 'no_wamid') throw badRequest("mode must be '5xx' or 'no_wamid'");
    state.failAfterAccept = { remaining: count, mode };
    res.json({ failAfterAccept: state.failAfterAccept });
  });

  /**
   * The next `count` sends answer HTTP 500 before Meta takes them: nothing is recorded and no webhook ever comes (the
   * sender cannot tell this from a 5xx after accepting; only what WhatsApp reports later can).
   */
  router.post('/whatsapp/fail-before-accept', (req: Request, res: Response) => {
    const count = bodyObject(req).count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
      throw badRequest('count must be a non-negative integer');
    state.failBeforeAccept = count;
    res.json({ failBeforeAccept: state.failBeforeAccept });
  });

  router.get('/messages', (req: Request, res: Response) => {
    const to = typeof req.query.to === 'string' ? normalisePhone(req.query.to) : undefined;
    if (typeof req.query.to === 'string' && !to) throw badRequest('to must be a phone number');
    res.json({ data: state.messages.filter((m) => !to || m.to === to).map(messageView) });
  });

  router.get('/webhooks', (req: Request, res: Response) => {
    const kind = typeof req.query.kind === 'string' ? req.query.kind : undefined;
    res.json({ data: state.webhooks.filter((w) => !kind || w.kind === kind).map(webhookView) });
  });

  // Templates: Meta's review (approve, reject with reason, pause, disable) and quality changes, each posting the
  // webhook Meta would; bulk templates for paging. `time` (unix seconds) sets the event time.
  router.get('/templates', (_req: Request, res: Response) => {
    res.json({ data: state.templates });
  });

  router.post('/templates/bulk', (req: Request, res: Response) => {
    const body = bodyObject(req);
    const count = Number(body.count);
    if (!Number.isInteger(count) || count < 1 || count > 2000) throw badRequest('count must be 1..2000');
    const prefix = typeof body.prefix === 'string' && /^[a-z0-9_]+$/.test(body.prefix) ? body.prefix : 'bulk';
    const wabaId = typeof body.wabaId === 'string' ? body.wabaId : state.dataset.wabas[0].id;
    res.json({ data: addTemplates(state, wabaId, count, prefix).map((t) => ({ id: t.id, name: t.name })) });
  });

  router.post('/templates/:id/status', async (req: Request, res: Response) => {
    const template = templateOf(req.params.id);
    const body = bodyObject(req);
    const status = String(body.status ?? '').toUpperCase() as TemplateReview['status'];
    if (!TEMPLATE_REVIEW_STATUSES.includes(status)) {
      throw badRequest(`status must be one of ${TEMPLATE_REVIEW_STATUSES.join(', ')}`);
    }
    const optional = (key: string): string | undefined =>
      typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined;
    const emitted = reviewTemplate(state, template, {
      status,
      reason: optional('reason'),
      recommendation: optional('recommendation'),
      title: optional('title'),
      description: optional('description'),
      time: typeof body.time === 'number' ? body.time : undefined,
    });
    await emitted.firstAttempt;
    res.json({ template, webhook: webhookView(emitted.delivery) });
  });

  router.post('/templates/:id/quality', async (req: Request, res: Response) => {
    const template = templateOf(req.params.id);
    const body = bodyObject(req);
    const score = String(body.score ?? '').toUpperCase() as (typeof QUALITY_SCORES)[number];
    if (!QUALITY_SCORES.includes(score))
      throw badRequest(`score must be one of ${QUALITY_SCORES.join(', ')}`);
    const emitted = rateTemplate(
      state,
      template,
      score,
      typeof body.time === 'number' ? body.time : undefined,
    );
    await emitted.firstAttempt;
    res.json({ template, webhook: webhookView(emitted.delivery) });
  });

  // Conversions API: the datasets (one per business) and the events they received, duplicates flagged.
  router.get('/conversions/datasets', (_req: Request, res: Response) => {
    res.json({ data: datasetsOf(state.dataset) });
  });

  router.get('/conversions', (req: Request, res: Response) => {
    const datasetId = typeof req.query.datasetId === 'string' ? req.query.datasetId : undefined;
    const eventName = typeof req.query.eventName === 'string' ? req.query.eventName : undefined;
    res.json({
      data: state.conversions
        .filter((e) => (!datasetId || e.datasetId === datasetId) && (!eventName || e.eventName === eventName))
        .map((e) => ({ ...e, receivedAt: iso(e.receivedAt) })),
    });
  });

  /** Graph calls answered since the last reset or clear; `path` keeps those whose path contains it. */
  router.get('/requests', (req: Request, res: Response) => {
    const path = typeof req.query.path === 'string' ? req.query.path : undefined;
    const data = state.requests
      .filter((r) => !path || r.path.includes(path))
      .map((r) => ({ ...r, at: iso(r.at) }));
    res.json({ count: data.length, data });
  });

  router.post('/requests/clear', (_req: Request, res: Response) => {
    state.requests = [];
    res.json({ cleared: true });
  });

  /** `{ms}`: delay before every Graph answer from now on (0–10,000). */
  router.post('/latency', (req: Request, res: Response) => {
    const ms = bodyObject(req).ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 10_000)
      throw badRequest('ms must be an integer 0..10000');
    state.latencyMs = ms;
    res.json({ latencyMs: ms });
  });

  router.post('/reset', (_req: Request, res: Response) => {
    state.reset();
    res.json({ reset: true });
  });

  return router;
};
