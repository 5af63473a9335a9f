import { randomUUID } from 'node:crypto';
import { Events, Rpc, type AutomationLogView, type LeadOptedOutEvent } from '@crm/contracts';
import { connectTenantToSandbox, rpcError, waitFor } from '@crm/testing';
import { ProtectionStore } from '../protection/protection-store';
import {
  insertSend,
  randomPhone,
  saveRule,
  startAutomationStack,
  startAutomationTestApp,
  type AutomationStack,
  type AutomationTestApp,
} from './automation-test-app';

const APP_SECRET = 'recipient-protection-app-secret';

/**
 * Recipient protection end to end: crm-service and meta-ads-service as processes, the Meta sandbox and
 * automation-service in process. Opt-out (keyword, button) → lead.opted-out → scheduled marketing sends cancelled;
 * frequency cap; send windows; free-form text inside the customer-service window.
 */
describe('automation-service recipient protection (crm-service + meta-ads-service + Meta sandbox)', () => {
  let stack: AutomationStack;
  let svc: AutomationTestApp;
  const tenantId = randomUUID();
  const optedOut: LeadOptedOutEvent[] = [];
  const control = <T>(path: string, body?: unknown) => stack.control<T>(path, body);
  const messagesTo = (phone: string) => stack.messagesTo(phone);
  const createLead = (name: string, phone = randomPhone()) =>
    svc.rpc.call(Rpc.crm.createLead, { tenantId, name, phone, leadSource: 'META_ADS' });
  const logOf = async (leadId: string): Promise<AutomationLogView | undefined> => {
    const page = await svc.rpc.call(Rpc.automation.listLogs, { tenantId, leadId, pageSize: 10 });
    return page.items[0];
  };
  const waitForLog = (leadId: string, accept: (log: AutomationLogView) => boolean, what: string) =>
    waitFor(
      async () => {
        const log = await logOf(leadId);
        return log && accept(log) ? log : undefined;
      },
      { what, timeoutMs: 50_000, intervalMs: 200 },
    );
  const marketingRule = (delaySeconds: number) =>
    saveRule(svc.db, tenantId, {
      enabled: true,
      delaySeconds,
      templateName: 'encuesta_satisfaccion',
      variableMapping: ['lead.first_name'],
    });

  beforeAll(async () => {
    stack = await startAutomationStack({ appSecret: APP_SECRET });
    svc = stack.svc;
    await svc.db.query(
      `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Protección Pruebas', 'MXN', $2)`,
      [tenantId, 'America/Mexico_City'],
    );
    await connectTenantToSandbox(svc.rpc, stack.sandbox.url, tenantId, stack.ids);
    await svc.jetstream.consume({
      durable: `protection-test-${randomUUID().slice(0, 8)}`,
      subject: Events.leadOptedOut,
      from: 'new',
      handler: async (event) => {
        if (event.tenantId === tenantId) optedOut.push(event);
      },
    });
  }, 200_000);

  afterAll(async () => {
    await svc?.rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await stack?.close();
  });

  it('a BAJA reply opts the lead out, publishes lead.opted-out, cancels its scheduled marketing send; a later trigger is refused', async () => {
    await marketingRule(3600);
    const lead = await createLead('Beatriz Baja');
    await waitForLog(lead.id, (log) => log.status === 'scheduled', 'the follow-up scheduled');

    await control('/reply', { from: lead.phone, text: 'BAJA' });
    const cancelled = await waitForLog(lead.id, (log) => log.status === 'cancelled', 'the send cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'cancelled', detail: 'contact opted out' });
    expect((await svc.rpc.call(Rpc.crm.getLead, { tenantId, leadId: lead.id })).optedOut).toBe(true);
    await waitFor(() => optedOut.some((e) => e.leadId === lead.id), { what: 'lead.opted-out' });
    expect(optedOut.find((e) => e.leadId === lead.id)).toMatchObject({
      source: 'keyword',
      phone: lead.phone,
    });

    const trigger = await rpcError(
      svc.rpc.call(Rpc.automation.trigger, { tenantId, ruleKey: 'lead_followup', leadId: lead.id }),
    );
    expect(trigger.message).toMatch(/opted out|already sent/);
    expect(await messagesTo(lead.phone)).toHaveLength(0);
  }, 90_000);

  it('a tapped opt-out quick-reply button opts out and cancels too', async () => {
    await marketingRule(3600);
    const lead = await createLead('Bruno Botón');
    await waitForLog(lead.id, (log) => log.status === 'scheduled', 'the follow-up scheduled');
    await control('/button-reply', { from: lead.phone, text: 'Detener promociones', payload: 'STOP_PROMOS' });
    await waitForLog(lead.id, (log) => log.status === 'cancelled', 'the send cancelled');
    await waitFor(() => optedOut.some((e) => e.leadId === lead.id), { what: 'lead.opted-out' });
    expect(optedOut.find((e) => e.leadId === lead.id)?.source).toBe('button');
  }, 90_000);

  it('frequency cap: a contact that got a marketing template in the last 24 h gets no second one', async () => {
    await marketingRule(1);
    const phone = randomPhone();
    const earlier = await insertSend(svc.db, { tenantId, status: 'delivered', phone, sentAt: new Date() });
    await svc.db.query(
      `INSERT INTO automation.frequency_marks (send_id, tenant_id, phone, at) VALUES ($1, $2, $3, now() - interval '1 hour')`,
      [earlier, tenantId, phone],
    );
    const lead = await createLead('Carla Capada', phone);
    expect(lead.phone).toBe(phone);
    const skipped = await waitForLog(lead.id, (log) => log.status === 'skipped', 'the capped send');
    expect(skipped.error?.code).toBe('frequency_cap');
    expect(skipped.history.at(-1)?.detail).toMatch(/^frequency_cap: .*1 marketing template/);
    expect(await messagesTo(phone)).toHaveLength(0);

    // Another contact is not affected by that one's cap.
    const other = await createLead('Daniel Libre');
    await waitForLog(
      other.id,
      (log) => ['sent', 'delivered', 'read'].includes(log.status),
      'an uncapped send',
    );
    expect((await messagesTo(other.phone))[0].template?.category).toBe('MARKETING');
  }, 90_000);

  it('frequency cap across replicas: of two sends to one contact taking a slot at once, exactly one gets it', async () => {
    const store = svc.app.get(ProtectionStore);
    for (let round = 0; round < 5; round += 1) {
      const phone = randomPhone();
      const a = await insertSend(svc.db, { tenantId, status: 'sending', phone });
      const b = await insertSend(svc.db, { tenantId, status: 'sending', phone });
      const limit = { perContact: 1, hours: 24 };
      const results = await Promise.all([
        store.takeFrequencySlot(tenantId, phone, a, limit),
        store.takeFrequencySlot(tenantId, phone, b, limit),
      ]);
      expect(results.filter((r) => r.taken)).toHaveLength(1);
      // A retried attempt of the winner keeps its slot; the loser's send going back to `scheduled` frees nothing.
      const winner = results[0].taken ? a : b;
      expect((await store.takeFrequencySlot(tenantId, phone, winner, limit)).taken).toBe(true);
    }
  });

  it('rule limit: of two sends of a rule to one contact claimed at once by two replicas, exactly one goes', async () => {
    await saveRule(svc.db, tenantId, { enabled: false });
    const rule = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Una vez al mes',
      trigger: { type: 'lead.assigned' },
      templateName: 'encuesta_satisfaccion',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      delaySeconds: 3600,
      // Only the rule's own limit is under test: the tenant's marketing cap would stop the second one too.
      limits: { maxPerContact: 1, perDays: 30, respectFrequencyCap: false },
      enabled: true,
    });
    expect(rule.limits).toMatchObject({ maxPerContact: 1, perDays: 30 });
    const lead = await createLead('Inés Limitada');
    // Two occurrences of the rule for the same contact (two assignments), waiting.
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const rows = (await svc.db.query(
        `WITH inserted AS (
           INSERT INTO automation.sends (tenant_id, rule_key, lead_id, occurrence_key, phone, lead_name, template_name,
                                        template_language, status, manual, due_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'encuesta_satisfaccion', 'es', 'scheduled', false, now() + interval '1 hour')
           RETURNING id, tenant_id
         ), history AS (
           INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
           SELECT id, tenant_id, 'scheduled', 'fixture' FROM inserted
         )
         SELECT id FROM inserted`,
        [tenantId, rule.key, lead.id, `${rule.key}:${lead.id}:fixture-${n}`, lead.phone, lead.name],
      )) as { id: string }[];
      ids.push(rows[0].id);
    }
    const replica = await startAutomationTestApp({ pollMs: 100 });
    try {
      await svc.db.query(`UPDATE automation.sends SET due_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
      const ended = await waitFor(
        async () => {
          const rows = (await svc.db.query(
            `SELECT id, status, error FROM automation.sends WHERE id = ANY($1::uuid[]) ORDER BY id`,
            [ids],
          )) as { id: string; status: string; error: { code: string } | null }[];
          return rows.every((r) => ['sent', 'delivered', 'read', 'skipped'].includes(r.status))
            ? rows
            : undefined;
        },
        { what: 'both sends to end', timeoutMs: 50_000, intervalMs: 200 },
      );
      const skipped = ended.filter((r) => r.status === 'skipped');
      expect(skipped).toHaveLength(1);
      expect(skipped[0].error).toMatchObject({ code: 'rule_limit', reason: 'rule_limit' });
      const log = await svc.rpc.call(Rpc.automation.listLogs, { tenantId, leadId: lead.id, pageSize: 10 });
      expect(log.items.find((item) => item.id === skipped[0].id)?.history.at(-1)?.detail).toBe(
        'rule_limit: this contact already got 1 message(s) of this rule in the last 30 day(s) (at most 1)',
      );
      expect(await messagesTo(lead.phone)).toHaveLength(1);
    } finally {
      await replica.close();
      await svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: rule.key });
    }
  }, 90_000);

  it('rule limit across replicas: of two sends of one rule to one contact taking a slot at once, exactly one gets it', async () => {
    const store = svc.app.get(ProtectionStore);
    for (let round = 0; round < 5; round += 1) {
      const phone = randomPhone();
      const a = await insertSend(svc.db, { tenantId, status: 'sending', phone });
      const b = await insertSend(svc.db, { tenantId, status: 'sending', phone });
      const limit = { max: 1, days: 30 };
      const results = await Promise.all([
        store.takeRuleSlot(tenantId, 'r_0123456789ab', phone, a, limit),
        store.takeRuleSlot(tenantId, 'r_0123456789ab', phone, b, limit),
      ]);
      expect(results.filter((r) => r.taken)).toHaveLength(1);
      // Another rule has its own count.
      expect((await store.takeRuleSlot(tenantId, 'r_ba9876543210', phone, b, limit)).taken).toBe(true);
      // A retried attempt of the winner keeps its slot; once the winner ended without sending, the slot is free.
      const winner = results[0].taken ? a : b;
      const loser = winner === a ? b : a;
      expect((await store.takeRuleSlot(tenantId, 'r_0123456789ab', phone, winner, limit)).taken).toBe(true);
      await svc.db.query(`UPDATE automation.sends SET status = 'failed' WHERE id = $1`, [winner]);
      expect((await store.takeRuleSlot(tenantId, 'r_0123456789ab', phone, loser, limit)).taken).toBe(true);
    }
  });

  it('send window: a send due outside the window moves to the next opening, spread over minutes, and says why', async () => {
    // The window opens only two days from now (Mexico City), 09:00–10:00.
    const local = new Date(Date.now() - 6 * 3600_000); // UTC-6 all year
    const day = (local.getUTCDay() + 2) % 7;
    const saved = await svc.rpc.call(Rpc.automation.updateProtection, {
      tenantId,
      sendWindow: { days: [day, day], start: '09:00', end: '10:00' },
    });
    expect(saved).toMatchObject({
      marketingPerContact: 1,
      capHours: 24,
      sendWindow: { days: [day], start: '09:00', end: '10:00' },
      defaultSendWindow: null, // the test app sends at any hour by default
    });
    try {
      await marketingRule(1);
      const lead = await createLead('Elisa Ventana');
      const deferred = await waitForLog(
        lead.id,
        (log) => log.status === 'scheduled' && log.history.some((h) => /^deferred to /.test(h.detail ?? '')),
        'the send deferred',
      );
      const opening = Date.UTC(
        local.getUTCFullYear(),
        local.getUTCMonth(),
        local.getUTCDate() + 2,
        9 + 6, // 09:00 in Mexico City
      );
      const due = Date.parse(deferred.scheduledFor);
      expect(due).toBeGreaterThanOrEqual(opening);
      expect(due).toBeLessThan(opening + 30 * 60_000);
      // A deferral is not an attempt: attempts unchanged, and one history line saying when, on the contact's clock.
      const minute = new Date(due - 6 * 3600_000).toISOString().slice(11, 16);
      expect(deferred.history.map((h) => h.status)).toEqual(['scheduled', 'scheduled']);
      expect(deferred.history[1].detail).toMatch(
        new RegExp(
          `^deferred to \\w{3} \\d{4}-\\d{2}-\\d{2} ${minute} America/Mexico_City: outside the send window`,
        ),
      );
      expect(deferred.history[1].detail).toContain('09:00–10:00 America/Mexico_City');
      const [row] = (await svc.db.query(`SELECT attempts FROM automation.sends WHERE id = $1`, [
        deferred.id,
      ])) as { attempts: number }[];
      expect(row.attempts).toBe(0);
      expect(await messagesTo(lead.phone)).toHaveLength(0);
    } finally {
      await svc.rpc.call(Rpc.automation.updateProtection, { tenantId, sendWindow: null });
    }
  }, 90_000);

  it('protection settings: defaults, validation, and a cap of 2 per 12 h', async () => {
    const other = randomUUID();
    expect(await svc.rpc.call(Rpc.automation.getProtection, { tenantId: other })).toEqual({
      marketingPerContact: 1,
      capHours: 24,
      sendWindow: null,
      defaultSendWindow: null,
    });
    for (const invalid of [
      { capHours: 0 },
      { marketingPerContact: 101 },
      { sendWindow: { days: [7], start: '09:00', end: '10:00' } },
      { sendWindow: { days: [1], start: '9:00', end: '10:00' } },
    ]) {
      const error = await rpcError(
        svc.rpc.callInvalid(Rpc.automation.updateProtection, { tenantId: other, ...invalid }),
      );
      expect(error.code).toBe('VALIDATION');
    }
    const noDays = await rpcError(
      svc.rpc.call(Rpc.automation.updateProtection, {
        tenantId: other,
        sendWindow: { days: [], start: '09:00', end: '10:00' },
      }),
    );
    expect(noDays.message).toMatch(/at least one day/);
    const saved = await svc.rpc.call(Rpc.automation.updateProtection, {
      tenantId: other,
      marketingPerContact: 2,
      capHours: 12,
    });
    expect(saved).toMatchObject({ marketingPerContact: 2, capHours: 12, sendWindow: null });
    expect(await svc.rpc.call(Rpc.automation.getProtection, { tenantId: other })).toEqual(saved);
  });

  it('inside the 24 h customer-service window a rule with free-form text sends text; outside it the template', async () => {
    await saveRule(svc.db, tenantId, {
      enabled: true,
      delaySeconds: 3,
      freeFormText: 'Hola {{1}}, gracias por escribirnos. ¿Te llamamos hoy?',
    });
    try {
      const phone = randomPhone();
      await control('/reply', { from: phone, text: 'Hola, quiero información', name: 'Fernanda Ruiz' });
      const lead = await waitFor(
        async () => {
          const page = await svc.rpc.call(Rpc.crm.listLeads, { tenantId, search: phone });
          return page.items.find((l) => l.phone === phone);
        },
        { what: 'the lead from the first message' },
      );
      const inside = await waitForLog(
        lead.id,
        (log) => ['sent', 'delivered', 'read'].includes(log.status),
        'free-form',
      );
      expect(inside.history.map((h) => h.detail)).toContain('accepted by WhatsApp as free-form text');
      const [message] = await messagesTo(phone);
      expect(message).toMatchObject({
        type: 'text',
        text: 'Hola Fernanda, gracias por escribirnos. ¿Te llamamos hoy?',
      });

      const outside = await createLead('Gabriel Plantilla');
      await waitForLog(
        outside.id,
        (log) => ['sent', 'delivered', 'read'].includes(log.status),
        'the template',
      );
      expect((await messagesTo(outside.phone))[0]).toMatchObject({
        type: 'template',
        template: { name: 'seguimiento_lead' },
      });
    } finally {
      await saveRule(svc.db, tenantId, { enabled: true, delaySeconds: 3 });
    }
  }, 90_000);
});
