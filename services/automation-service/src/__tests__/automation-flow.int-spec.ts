import { randomUUID } from 'node:crypto';
import { Events, Rpc, type AutomationLogView } from '@crm/contracts';
import type { ListeningSandbox, SandboxIds } from '@crm/meta-sandbox';
import { connectTenantToSandbox, waitFor, rpcError } from '@crm/testing';
import {
  historyOf,
  randomPhone,
  startAutomationStack,
  type AutomationStack,
  type AutomationTestApp,
} from './automation-test-app';
import { idempotencyKeyFor } from '../scheduler/send-preparer';
import type { SendRow } from '../sends/send-store';

const APP_SECRET = 'automation-flow-app-secret';
const TENANT_NAME = 'Inmobiliaria Sol Pruebas';

/**
 * The status transitions of a log. "accepted by WhatsApp" (wamid stored, still `sending`) is left out: when the
 * `sent` webhook wins the race against storing the wamid, the send is found by its callback data instead and that
 * line is not written.
 */
const progress = (log: AutomationLogView): string[] =>
  log.history.filter((h) => h.detail !== 'accepted by WhatsApp').map((h) => h.status);

/**
 * The whole path with real processes: crm-service and meta-ads-service as child processes, the Meta sandbox in
 * process, automation-service in process. Lead created in the CRM → scheduled → sent through meta-ads-service to
 * the sandbox → status webhooks → delivered/read → the contact replies.
 */
describe('automation-service end to end: crm-service + meta-ads-service + Meta sandbox', () => {
  let stack: AutomationStack;
  let sandbox: ListeningSandbox;
  let ids: SandboxIds;
  let svc: AutomationTestApp;
  const tenantId = randomUUID();
  const control = <T>(path: string, body?: unknown) => stack.control<T>(path, body);
  const messagesTo = (phone: string) => stack.messagesTo(phone);

  const createLead = (name: string, phone = randomPhone()) =>
    svc.rpc.call(Rpc.crm.createLead, { tenantId, name, phone, leadSource: 'META_ADS' });

  const logOf = async (leadId: string): Promise<AutomationLogView | undefined> => {
    const page = await svc.rpc.call(Rpc.automation.listLogs, {
      tenantId,
      pageSize: 100,
    });
    return page.items.find((item) => item.leadId === leadId);
  };
  const waitForLog = (leadId: string, accept: (log: AutomationLogView) => boolean, what: string) =>
    waitFor(
      async () => {
        const log = await logOf(leadId);
        return log && accept(log) ? log : undefined;
      },
      // The chain (outbox relay → scheduler → meta-ads → sandbox → status webhooks) crosses five processes: on a
      // loaded 2-core CI machine it has taken more than 25 s.
      { what, timeoutMs: 50_000, intervalMs: 200 },
    );
  /** Time travel: make a scheduled send due now. */
  const makeDue = async (leadId: string) => {
    await svc.db.query(
      `UPDATE automation.sends SET due_at = now() WHERE tenant_id = $1 AND lead_id = $2 AND status = 'scheduled'`,
      [tenantId, leadId],
    );
  };

  beforeAll(async () => {
    stack = await startAutomationStack({ appSecret: APP_SECRET, app: { pauseRecheckMs: 1000 } });
    ({ svc, sandbox, ids } = stack);
    // The tenant exists in the CRM (fixture in crm's schema; provisioning is crm-service's job, not an RPC).
    await svc.db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, 'MXN', $3)`, [
      tenantId,
      TENANT_NAME,
      'America/Mexico_City',
    ]);
    await connectTenantToSandbox(svc.rpc, sandbox.url, tenantId, ids);
  }, 200_000);

  afterAll(async () => {
    // A WhatsApp number belongs to one tenant at a time: release it for the other suites of this run.
    await svc?.rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await stack?.close();
  });

  it('refuses to enable the rule without WhatsApp, with an unknown template or a wrong variable count', async () => {
    const notConnected = await rpcError(
      svc.rpc.call(Rpc.automation.updateRule, {
        tenantId: randomUUID(),
        key: 'lead_followup',
        enabled: true,
      }),
    );
    expect(notConnected.code).toBe('VALIDATION');
    expect(notConnected.message).toMatch(/connect WhatsApp first/);

    const unknown = await rpcError(
      svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'lead_followup',
        enabled: true,
        templateName: 'no_existe',
      }),
    );
    expect(unknown.code).toBe('VALIDATION');
    expect(unknown.message).toMatch(/does not exist/);

    const wrongCount = await rpcError(
      svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'lead_followup',
        enabled: true,
        variableMapping: ['lead.first_name'],
      }),
    );
    expect(wrongCount.code).toBe('VALIDATION');
    expect(wrongCount.message).toMatch(/has 3 variable\(s\) but the mapping has 1/);
    const [rule] = await svc.rpc.call(Rpc.automation.listRules, { tenantId });
    expect(rule.enabled).toBe(false);
  });

  it('sends the follow-up after the delay and follows it to read and replied', async () => {
    const rule = await svc.rpc.call(Rpc.automation.updateRule, {
      tenantId,
      key: 'lead_followup',
      enabled: true,
      delaySeconds: 1,
    });
    expect(rule).toMatchObject({ enabled: true, templateName: 'seguimiento_lead', templateLanguage: 'es' });

    const lead = await createLead('Ana María López');
    const read = await waitForLog(lead.id, (log) => log.status === 'read', 'the follow-up to be read');
    expect(Date.parse(read.scheduledFor)).toBe(Date.parse(lead.createdAt) + 1000);
    expect(read.wamid).toMatch(/^wamid\./);
    expect(read.sentAt).not.toBeNull();
    expect(read.deliveredAt).not.toBeNull();
    expect(progress(read)).toEqual(['scheduled', 'sending', 'sent', 'delivered', 'read']);

    const messages = await messagesTo(lead.phone);
    expect(messages).toHaveLength(1);
    expect(messages[0].wamid).toBe(read.wamid);
    expect(messages[0].template).toMatchObject({
      name: 'seguimiento_lead',
      language: 'es',
      params: ['Ana', TENANT_NAME, TENANT_NAME],
    });
    expect(messages[0].bizOpaqueCallbackData).toBe(`automation:${read.id}`);

    await control('/reply', { from: lead.phone, text: 'Sí, me interesa' });
    const replied = await waitForLog(lead.id, (log) => log.status === 'replied', 'the reply');
    expect(replied.repliedAt).not.toBeNull();

    const metrics = await svc.rpc.call(Rpc.automation.metrics, { tenantId });
    expect(metrics.replied).toBeGreaterThanOrEqual(1);
    expect(metrics.sent).toBeGreaterThanOrEqual(metrics.replied);
    // Exactly one message ever, whatever happened after.
    expect(await messagesTo(lead.phone)).toHaveLength(1);
  }, 120_000);

  it('records WhatsApp failing to deliver', async () => {
    const lead = await createLead(
      'Número Inválido',
      `+521551${String(Math.floor(Math.random() * 1e3)).padStart(3, '0')}0000`,
    );
    const failed = await waitForLog(lead.id, (log) => log.status === 'failed', 'the failure');
    expect(failed.sentAt).not.toBeNull();
    expect(failed.error?.message).toBeTruthy();
    expect(progress(failed)).toEqual(['scheduled', 'sending', 'sent', 'failed']);
  });

  it('cancels the follow-up of a lead that was contacted, and skips one that opted out', async () => {
    await svc.rpc.call(Rpc.automation.updateRule, {
      tenantId,
      key: 'lead_followup',
      delaySeconds: 3600,
    });
    const contacted = await createLead('Carlos Contactado');
    const optedOut = await createLead('Olga Baja');
    await waitFor(async () => (await logOf(contacted.id))?.status === 'scheduled', { what: 'scheduled' });
    await waitFor(async () => (await logOf(optedOut.id))?.status === 'scheduled', { what: 'scheduled' });

    // The status change cancels the scheduled follow-up as soon as automation hears of it.
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: contacted.id, status: 'contactado' });
    const cancelled = await waitForLog(
      contacted.id,
      (log) => log.status === 'cancelled',
      'cancel (contacted)',
    );
    expect(cancelled.history.map((h) => h.status)).toEqual(['scheduled', 'cancelled']);
    expect(cancelled.history.at(-1)?.detail).toBe('lead already contacted (lead moved to contactado)');

    await control('/reply', { from: optedOut.phone, text: 'BAJA' });
    await waitFor(
      async () => (await svc.rpc.call(Rpc.crm.getLead, { tenantId, leadId: optedOut.id })).optedOut,
      { what: 'crm-service to record the opt-out' },
    );
    await makeDue(contacted.id);
    await makeDue(optedOut.id);

    // lead.opted-out usually cancels it first (`cancelled`); if the scheduler got there first it is `skipped`.
    const skippedOptedOut = await waitForLog(
      optedOut.id,
      (log) => log.status === 'skipped' || log.status === 'cancelled',
      'skip or cancel (opted out)',
    );
    expect(skippedOptedOut.history.at(-1)?.detail).toBe('contact opted out');
    expect(await messagesTo(contacted.phone)).toHaveLength(0);
    expect(await messagesTo(optedOut.phone)).toHaveLength(0);
    expect((await logOf(contacted.id))?.status).toBe('cancelled');

    // Never to an opted-out contact, not even by hand.
    const manual = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: optedOut.id }),
    );
    expect(manual.code).toBe('VALIDATION');
    expect(manual.message).toMatch(/opted out/);
  });

  it('sends by hand once per lead, whatever its stage', async () => {
    const lead = await svc.rpc.call(Rpc.crm.createLead, {
      tenantId,
      name: 'Diego Manual',
      phone: randomPhone(),
      leadSource: 'WEBSITE',
    });
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: lead.id, status: 'calificado' });
    // The lead.created consumer scheduled it for an hour from now (and the status change may have cancelled it
    // already): that is the lead's one follow-up, so a trigger for the same lead is a conflict.
    await waitFor(async () => ['scheduled', 'cancelled'].includes((await logOf(lead.id))?.status ?? ''), {
      what: 'scheduled',
    });
    const duplicate = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: lead.id }),
    );
    expect(duplicate.code).toBe('CONFLICT');
    expect(duplicate.message).toBe('already sent to this lead');

    // A lead the rule never scheduled (created while it was off).
    await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', enabled: false });
    const other = await createLead('Elena Manual');
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: other.id, status: 'calificado' });
    const queued = await svc.rpc.call(Rpc.automation.trigger, {
      tenantId,
      ruleKey: 'lead_followup',
      leadId: other.id,
    });
    expect(queued).toMatchObject({ status: 'scheduled', leadId: other.id, leadName: 'Elena Manual' });
    expect(queued.history).toEqual([
      expect.objectContaining({ status: 'scheduled', detail: 'triggered manually' }),
    ]);
    await waitForLog(
      other.id,
      (log) => ['sent', 'delivered', 'read'].includes(log.status),
      'the manual send',
    );
    expect(await messagesTo(other.phone)).toHaveLength(1);

    const again = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: other.id }),
    );
    expect(again.code).toBe('CONFLICT');
    const missing = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: randomUUID() }),
    );
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('backs off when WhatsApp is rate limited', async () => {
    await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', enabled: true });
    await control('/throttle', { enabled: true, scope: 'whatsapp' });
    try {
      const lead = await createLead('Rita Limitada');
      await waitFor(async () => (await logOf(lead.id))?.status === 'scheduled', { what: 'scheduled' });
      await makeDue(lead.id);
      const retry = await waitForLog(
        lead.id,
        (log) => log.status === 'scheduled' && log.error?.code === 'META_RATE_LIMITED',
        'the rate-limited send to be rescheduled',
      );
      expect(Date.parse(retry.scheduledFor)).toBeGreaterThan(Date.now() + 10_000);
      const rows: { attempts: number }[] = await svc.db.query(
        `SELECT attempts FROM automation.sends WHERE tenant_id = $1 AND id = $2`,
        [tenantId, retry.id],
      );
      expect(rows[0].attempts).toBe(1);
      expect((await historyOf(svc.db, tenantId, retry.id)).at(-1)?.detail).toMatch(/^META_RATE_LIMITED: /);
      expect(await messagesTo(lead.phone)).toHaveLength(0);
    } finally {
      await control('/throttle', { enabled: false, scope: 'whatsapp' });
    }
  });

  describe('exactly once when answers are lost (issue 7)', () => {
    const rowOf = async (leadId: string): Promise<SendRow> =>
      (
        (await svc.db.query(`SELECT * FROM automation.sends WHERE tenant_id = $1 AND lead_id = $2`, [
          tenantId,
          leadId,
        ])) as SendRow[]
      )[0];

    for (const mode of ['5xx', 'no_wamid'] as const) {
      it(`bug a: Meta accepts but answers ${mode} → unknown, never re-sent, settled by its status webhooks`, async () => {
        await svc.rpc.call(Rpc.automation.updateRule, {
          tenantId,
          key: 'lead_followup',
          enabled: true,
          delaySeconds: 1,
        });
        await control('/whatsapp/fail-after-accept', { count: 1, mode });
        const lead = await createLead(`Incierta ${mode}`);
        const read = await waitForLog(lead.id, (log) => log.status === 'read', 'the webhooks to settle it');
        const messages = await messagesTo(lead.phone);
        expect(messages).toHaveLength(1);
        expect(read.wamid).toBe(messages[0].wamid);
        expect(read.error).toBeNull();
        // One attempt, never back in the schedule after it began.
        const statuses = read.history.map((h) => h.status);
        expect(statuses.filter((s) => s === 'sending')).toHaveLength(1);
        expect(statuses.slice(statuses.indexOf('sending'))).not.toContain('scheduled');
        expect((await rowOf(lead.id)).attempts).toBe(1);
        // The old code re-sent 30 s later; nothing may come, even after the reconciler has looked at it.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(await messagesTo(lead.phone)).toHaveLength(1);
      });
    }

    it('bug c: a CONFLICT (key in flight at meta-ads-service) is unknown, not failed; its delivered webhook revives it', async () => {
      await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', delaySeconds: 3600 });
      const lead = await createLead('Conflicto En Vuelo');
      await waitFor(async () => (await logOf(lead.id))?.status === 'scheduled', { what: 'scheduled' });
      const row = await rowOf(lead.id);
      // Another meta-ads-service replica holds this key mid-call (its request is on its way to Meta).
      await svc.db.query(
        `INSERT INTO meta_ads.sends (id, tenant_id, idempotency_key, "to", kind, template_name, language, status,
                                     callback_data, requested_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'template', 'seguimiento_lead', 'es', 'requested', $5, now(), now(), now())`,
        [randomUUID(), tenantId, idempotencyKeyFor(row), lead.phone, `automation:${row.id}`],
      );
      await makeDue(lead.id);
      const unknown = await waitForLog(lead.id, (log) => log.status === 'unknown', 'unknown');
      expect(unknown.error).toMatchObject({ code: 'CONFLICT', reason: 'outcome_unknown' });
      expect(await messagesTo(lead.phone)).toHaveLength(0);

      // That replica's message reached WhatsApp: its webhooks (by callback data) move the send on.
      const wamid = `wamid.TEST${randomUUID().replace(/-/g, '')}`;
      for (const status of ['delivered', 'read'] as const) {
        await svc.jetstream.publish(Events.whatsappStatus, {
          tenantId,
          wamid,
          status,
          timestamp: new Date().toISOString(),
          recipientId: lead.phone.slice(1),
          callbackData: `automation:${row.id}`,
        });
      }
      const read = await waitForLog(lead.id, (log) => log.status === 'read', 'revived by webhooks');
      expect(read.wamid).toBe(wamid);
      expect(read.deliveredAt).not.toBeNull();
      expect(read.error).toBeNull();
    });

    it('reconciliation: an unknown send whose request never reached meta-ads-service goes back to the schedule and is sent once', async () => {
      await svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'lead_followup',
        enabled: true,
        delaySeconds: 3600,
      });
      const lead = await createLead('Nunca Llegó');
      await waitFor(async () => (await logOf(lead.id))?.status === 'scheduled', { what: 'scheduled' });
      // As if the replica died right after beginning the request, before it reached meta-ads-service.
      await svc.db.query(
        `UPDATE automation.sends
            SET status = 'unknown', requested_at = now() - interval '1 minute', updated_at = now() - interval '1 minute',
                attempts = 1, error = '{"code":"OUTCOME_UNKNOWN","message":"x","reason":"outcome_unknown"}'
          WHERE tenant_id = $1 AND lead_id = $2`,
        [tenantId, lead.id],
      );
      const sent = await waitForLog(
        lead.id,
        (log) => ['sent', 'delivered', 'read'].includes(log.status),
        'the reconciled send to go out',
      );
      expect(sent.history.map((h) => h.detail)).toContain(
        'reconciled: the request never reached WhatsApp; rescheduled',
      );
      expect(await messagesTo(lead.phone)).toHaveLength(1);
    });

    it('a template Meta refuses (132001) is final with its reason; nothing is sent', async () => {
      await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', delaySeconds: 3600 });
      const lead = await createLead('Plantilla Ausente');
      await waitFor(async () => (await logOf(lead.id))?.status === 'scheduled', { what: 'scheduled' });
      await svc.db.query(`UPDATE automation.sends SET template_name = 'no_existe' WHERE tenant_id = $1`, [
        tenantId,
      ]);
      await svc.db.query(
        `UPDATE automation.rules SET template_name = 'no_existe' WHERE tenant_id = $1 AND key = 'lead_followup'`,
        [tenantId],
      );
      try {
        await makeDue(lead.id);
        const failed = await waitForLog(lead.id, (log) => log.status === 'failed', 'the final failure');
        expect(failed.error).toMatchObject({
          code: 'META_REJECTED',
          reason: 'template_not_approved',
          metaCode: 132001,
        });
        expect(await messagesTo(lead.phone)).toHaveLength(0);
      } finally {
        await svc.db.query(
          `UPDATE automation.rules SET template_name = 'seguimiento_lead' WHERE tenant_id = $1 AND key = 'lead_followup'`,
          [tenantId],
        );
      }
    });

    it('190 (token expired) pauses the tenant: the send stays scheduled, the connection shows expired, and it goes once reconnected', async () => {
      await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', delaySeconds: 3600 });
      const lead = await createLead('Token Vencido');
      await waitFor(async () => (await logOf(lead.id))?.status === 'scheduled', { what: 'scheduled' });
      await control('/tokens/expire', {});
      await makeDue(lead.id);
      const paused = await waitForLog(
        lead.id,
        (log) => log.status === 'scheduled' && log.error?.code === 'META_TOKEN_EXPIRED',
        'the send to wait for the connection',
      );
      expect(paused.error).toMatchObject({ reason: 'meta_token_expired' });
      const connection = await svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
      expect(connection.state).toBe('expired');
      expect((await rowOf(lead.id)).attempts).toBe(0);
      expect(await messagesTo(lead.phone)).toHaveLength(0);

      await connectTenantToSandbox(svc.rpc, sandbox.url, tenantId, ids);
      const sent = await waitForLog(
        lead.id,
        (log) => ['sent', 'delivered', 'read'].includes(log.status),
        'the send after the reconnect',
      );
      expect(sent.wamid).toMatch(/^wamid\./);
      expect(await messagesTo(lead.phone)).toHaveLength(1);
    });
  });
});
