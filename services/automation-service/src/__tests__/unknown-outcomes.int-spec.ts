import { randomUUID } from 'node:crypto';
import { Rpc, type AutomationLogView } from '@crm/contracts';
import { connectTenantToSandbox, rpcError, waitFor } from '@crm/testing';
import { SchedulerService } from '../scheduler/scheduler.service';
import {
  randomPhone,
  sleep,
  startAutomationStack,
  type AutomationStack,
  type AutomationTestApp,
} from './automation-test-app';

const APP_SECRET = 'unknown-outcomes-app-secret';
/** meta-ads-service's WHATSAPP_UNKNOWN_HORIZON_MS and WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS here (a day and 2 min in production). */
const HORIZON_MS = 12_000;
const GRACE_MS = 300;
const SENT = ['sent', 'delivered', 'read', 'replied'];

/**
 * Issue 7, no re-send on inference alone. A send whose request began and that nothing settled (Meta answered 5xx, or
 * the replica died mid-call) is `unknown`. It goes again (same key) only on evidence that WhatsApp never took it — a
 * later message from the same number reported by WhatsApp; without evidence, past the horizon, it ends `failed`
 * (`outcome_unknown`), final; its status webhook, however late, still settles it.
 */
describe('unknown outcomes: evidence, not time, decides a re-send (crm-service + meta-ads-service + sandbox)', () => {
  let stack: AutomationStack;
  let svc: AutomationTestApp;
  const tenantId = randomUUID();
  const control = <T>(path: string, body?: unknown) => stack.control<T>(path, body);
  const messagesTo = (phone: string) => stack.messagesTo(phone);
  const createLead = (name: string) =>
    svc.rpc.call(Rpc.crm.createLead, { tenantId, name, phone: randomPhone(), leadSource: 'META_ADS' });
  const logsOf = async (leadId: string): Promise<AutomationLogView[]> =>
    (await svc.rpc.call(Rpc.automation.listLogs, { tenantId, leadId, pageSize: 10 })).items;
  const waitForLog = (leadId: string, accept: (log: AutomationLogView) => boolean, what: string) =>
    waitFor(
      async () => {
        const [log] = await logsOf(leadId);
        return log && accept(log) ? log : undefined;
      },
      { what, timeoutMs: 50_000, intervalMs: 200 },
    );
  /** One reconciliation round now, whatever the age of the unknown sends (the scheduler waits 20 s). */
  const reconcile = () => svc.app.get(SchedulerService).reconcileNow(0);

  beforeAll(async () => {
    stack = await startAutomationStack({
      appSecret: APP_SECRET,
      metaEnv: {
        WHATSAPP_UNKNOWN_HORIZON_MS: String(HORIZON_MS),
        WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS: String(GRACE_MS),
      },
    });
    svc = stack.svc;
    await svc.db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, 'MXN', $3)`, [
      tenantId,
      'Inmobiliaria Incierta',
      'America/Mexico_City',
    ]);
    await connectTenantToSandbox(svc.rpc, stack.sandbox.url, tenantId, stack.ids);
    await svc.rpc.call(Rpc.automation.updateRule, {
      tenantId,
      key: 'lead_followup',
      enabled: true,
      delaySeconds: 1,
    });
  }, 200_000);

  afterAll(async () => {
    await svc?.rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await stack?.close();
  });

  it('evidence: a later message from the same number reported by WhatsApp → re-sent once, same key', async () => {
    await control('/whatsapp/fail-before-accept', { count: 1 });
    const lost = await createLead('Lucía Perdida');
    const unknown = await waitForLog(lost.id, (log) => log.status === 'unknown', 'the send to be unknown');
    expect(unknown.error).toMatchObject({ reason: 'outcome_unknown' });
    // Nothing says yet whether WhatsApp took it: asking changes nothing.
    await reconcile();
    expect((await logsOf(lost.id))[0].status).toBe('unknown');
    expect(await messagesTo(lost.phone)).toHaveLength(0);

    await sleep(GRACE_MS + 200);
    const next = await createLead('Mateo Siguiente');
    await waitForLog(next.id, (log) => SENT.includes(log.status), 'the next message to go out');
    const resent = await waitFor(
      async () => {
        await reconcile();
        const [log] = await logsOf(lost.id);
        return SENT.includes(log.status) ? log : undefined;
      },
      { what: 'the lost send to be re-sent', timeoutMs: 30_000, intervalMs: 500 },
    );
    const messages = await messagesTo(lost.phone);
    expect(messages).toHaveLength(1);
    expect(messages[0].bizOpaqueCallbackData).toBe(`automation:${resent.id}`);
    expect(resent.occurrenceKey).toBe(`lead_followup:${lost.id}`);
    const statuses = resent.history.map((h) => h.status);
    expect(statuses.slice(statuses.indexOf('unknown'), statuses.indexOf('unknown') + 3)).toEqual([
      'unknown',
      'scheduled',
      'sending',
    ]);
    expect(resent.history.map((h) => h.detail)).toContainEqual(
      expect.stringMatching(
        /^reconciled: not sent \(META_UNAVAILABLE: not sent: WhatsApp has since reported a later message from this number \(wamid\.[^)]+\) and never this one\); rescheduled$/,
      ),
    );
    await sleep(1500);
    expect(await messagesTo(lost.phone)).toHaveLength(1);
  }, 120_000);

  it('no evidence: past the horizon the send ends failed (outcome_unknown), final — never re-sent, but a person may', async () => {
    await control('/whatsapp/fail-before-accept', { count: 1 });
    const silent = await createLead('Nora Sin Noticias');
    await waitForLog(silent.id, (log) => log.status === 'unknown', 'the send to be unknown');
    await sleep(HORIZON_MS + 500);
    await reconcile();
    const failed = await waitForLog(silent.id, (log) => log.status === 'failed', 'the send to end');
    expect(failed.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', reason: 'outcome_unknown' });
    expect(failed.history.at(-1)).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/not re-sent automatically/),
    });

    // Final: more rounds, and a later message on the number (evidence come too late), change nothing.
    const after = await createLead('Óscar Después');
    await waitForLog(after.id, (log) => SENT.includes(log.status), 'a later message to go out');
    await reconcile();
    await sleep(1500);
    expect((await logsOf(silent.id))[0]).toMatchObject({ id: failed.id, status: 'failed' });
    expect(await messagesTo(silent.phone)).toHaveLength(0);

    // A person may send it again — once, under a key of its own.
    const again = await svc.rpc.call(Rpc.automation.trigger, {
      tenantId,
      ruleKey: 'lead_followup',
      leadId: silent.id,
    });
    expect(again.occurrenceKey).toBe(`lead_followup:${silent.id}:resend`);
    await waitFor(
      async () => {
        const log = (await logsOf(silent.id)).find((l) => l.id === again.id);
        return log && SENT.includes(log.status) ? log : undefined;
      },
      { what: 'the manual send to go out', timeoutMs: 50_000, intervalMs: 200 },
    );
    expect(await messagesTo(silent.phone)).toHaveLength(1);
    const twice = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: silent.id }),
    );
    expect(twice.code).toBe('CONFLICT');
  }, 120_000);

  it('a status webhook that comes after the send ended failed (outcome_unknown) still settles it', async () => {
    // WhatsApp takes the message but the answer is a 5xx, and its webhooks are late.
    stack.bridge.hold();
    try {
      await control('/whatsapp/fail-after-accept', { count: 1, mode: '5xx' });
      const late = await createLead('Paula Tardía');
      await waitForLog(late.id, (log) => log.status === 'unknown', 'the send to be unknown');
      const [message] = await messagesTo(late.phone);
      expect(message).toBeDefined();
      await sleep(HORIZON_MS + 500);
      await reconcile();
      await waitForLog(late.id, (log) => log.status === 'failed', 'the send to end failed');

      await stack.bridge.release();
      const read = await waitForLog(
        late.id,
        (log) => log.status === 'read',
        'the late webhooks to settle it',
      );
      expect(read.wamid).toBe(message.wamid);
      expect(read.error).toBeNull();
      const statuses = read.history.map((h) => h.status);
      const from = statuses.indexOf('unknown');
      expect(statuses.slice(from, from + 2)).toEqual(['unknown', 'failed']);
      expect(statuses.slice(from + 2)).toContain('sent');
      expect(statuses.at(-1)).toBe('read');
      expect(await messagesTo(late.phone)).toHaveLength(1);
    } finally {
      await stack.bridge.release();
    }
  }, 120_000);
});
