import { randomUUID } from 'node:crypto';
import { Events, Rpc, type OpportunityView, type SessionUser } from '@crm/contracts';
import type { ListeningSandbox, SandboxIds } from '@crm/meta-sandbox';
import { connectTenantToSandbox, rpcError, waitFor } from '@crm/testing';
import {
  historyOf,
  randomPhone,
  sleep,
  startAutomationStack,
  type AutomationStack,
  type AutomationTestApp,
} from './automation-test-app';

const APP_SECRET = 'rule-engine-app-secret';

type SendRowLite = {
  id: string;
  rule_key: string;
  occurrence_key: string;
  opportunity_id: string | null;
  sale_id: string | null;
  status: string;
  due_at: Date;
};

/**
 * The rule engine with the real crm-service (events through its outbox), meta-ads-service and the Meta sandbox:
 * the built-in opportunity and sale rules, a user rule with a condition, cancellation, rescheduling, duplicate
 * events, the loop guard, CRUD validation and the dry run.
 */
describe('rule engine: CRM events → rules → sends (crm-service + meta-ads-service + sandbox)', () => {
  let stack: AutomationStack;
  let sandbox: ListeningSandbox;
  let ids: SandboxIds;
  let svc: AutomationTestApp;
  let ceo: SessionUser;
  let tenantId: string;
  const control = <T>(path: string, body?: unknown) => stack.control<T>(path, body);
  const messagesTo = (phone: string) => stack.messagesTo(phone);

  const actor = () => ({ tenantId, actorUserId: ceo.userId, actorRole: 'ceo' as const });
  const createLead = (name: string, leadSource: 'META_ADS' | 'WEBSITE' = 'META_ADS') =>
    svc.rpc.call(Rpc.crm.createLead, { tenantId, name, phone: randomPhone(), leadSource });
  const createOpportunity = (leadId: string, deadline: Date | null, title = 'Depto 3B') =>
    svc.rpc.call(Rpc.crm.createOpportunity, {
      ...actor(),
      leadId,
      title,
      value: 1500000,
      currency: 'MXN',
      deadline: deadline?.toISOString() ?? null,
    });
  const sendsOf = (leadId: string): Promise<SendRowLite[]> =>
    svc.db.query(
      `SELECT id, rule_key, occurrence_key, opportunity_id, sale_id, status, due_at FROM automation.sends
        WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
      [tenantId, leadId],
    );
  const waitForSends = (leadId: string, accept: (rows: SendRowLite[]) => boolean, what: string) =>
    waitFor(
      async () => {
        const rows = await sendsOf(leadId);
        return accept(rows) ? rows : undefined;
      },
      { what, timeoutMs: 50_000, intervalMs: 200 },
    );
  const SENT = ['sent', 'delivered', 'read', 'replied'];
  const enable = (key: string, delaySeconds: number) =>
    svc.rpc.call(Rpc.automation.updateRule, { tenantId, key, enabled: true, delaySeconds });

  beforeAll(async () => {
    stack = await startAutomationStack({ appSecret: APP_SECRET });
    ({ svc, sandbox, ids } = stack);
    ceo = await svc.rpc.call(Rpc.crm.signup, {
      companyName: 'Inmobiliaria Reglas',
      name: 'Carla Directora',
      email: `ceo-${randomUUID().slice(0, 8)}@reglas.test`,
      password: 'Una-clave-larga-2026',
      timezone: 'America/Mexico_City',
    });
    tenantId = ceo.tenantId;
    await connectTenantToSandbox(svc.rpc, sandbox.url, tenantId, ids);
  }, 200_000);

  afterAll(async () => {
    await svc?.rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await stack?.close();
  });

  it('opportunity_reminder: one message N before the deadline, even when the event is delivered twice', async () => {
    const rule = await enable('opportunity_reminder', 12);
    expect(rule).toMatchObject({
      builtIn: true,
      trigger: { type: 'opportunity.deadline' },
      delaySeconds: 12,
    });
    const lead = await createLead('Ana María Recordatorio');
    const deadline = new Date(Date.now() + 15_000);
    const opportunity = await createOpportunity(lead.id, deadline, 'Visita Depto 3B');
    const [send] = await waitForSends(lead.id, (rows) => rows.length === 1, 'the reminder to be scheduled');
    expect(send).toMatchObject({
      rule_key: 'opportunity_reminder',
      opportunity_id: opportunity.id,
      occurrence_key: `opportunity_reminder:${opportunity.id}:${Date.parse(opportunity.deadline!)}`,
    });
    expect(send.due_at.getTime()).toBe(Date.parse(opportunity.deadline!) - 12_000);

    // The same event again (a redelivery with another message id): still one occurrence, one send.
    await svc.jetstream.publish(
      Events.opportunityCreated,
      opportunityCreatedOf(tenantId, opportunity),
      `dup-${randomUUID()}`,
    );
    const sent = await waitForSends(
      lead.id,
      (rows) => SENT.includes(rows[0]?.status),
      'the reminder to go out',
    );
    await sleep(1000);
    expect(await sendsOf(lead.id)).toHaveLength(1);
    expect(sent[0].id).toBe(send.id);
    const messages = await messagesTo(lead.phone);
    expect(messages).toHaveLength(1);
    expect(messages[0].template?.name).toBe('recordatorio_cita');
    expect(messages[0].template?.params[0]).toBe('Ana');
    expect(messages[0].template?.params[2]).toBe('Visita Depto 3B');
  }, 90_000);

  it('cancels the reminder of an opportunity closed before it was due; nothing is sent', async () => {
    await enable('opportunity_reminder', 12);
    const lead = await createLead('Bruno Cerrado');
    const opportunity = await createOpportunity(lead.id, new Date(Date.now() + 3_600_000));
    await waitForSends(lead.id, (rows) => rows[0]?.status === 'scheduled', 'the reminder to be scheduled');
    await svc.rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(),
      opportunityId: opportunity.id,
      status: 'won',
    });
    const [cancelled] = await waitForSends(lead.id, (rows) => rows[0]?.status === 'cancelled', 'the cancel');
    const history = await historyOf(svc.db, tenantId, cancelled.id);
    expect(history.map((h) => h.status)).toEqual(['scheduled', 'cancelled']);
    expect(history[1].detail).toMatch(/^opportunity won/);
    // Even when its time comes, a cancelled send stays cancelled.
    await svc.db.query(`UPDATE automation.sends SET due_at = now() WHERE id = $1`, [cancelled.id]);
    await sleep(1500);
    expect((await sendsOf(lead.id))[0].status).toBe('cancelled');
    expect(await messagesTo(lead.phone)).toHaveLength(0);
  }, 90_000);

  it('a moved deadline cancels the old reminder and schedules one for the new deadline', async () => {
    await enable('opportunity_reminder', 12);
    const lead = await createLead('Carmen Reprogramada');
    const first = new Date(Date.now() + 3_600_000);
    const opportunity = await createOpportunity(lead.id, first);
    await waitForSends(lead.id, (rows) => rows.length === 1, 'the first reminder');
    const moved = new Date(Date.now() + 7_200_000);
    const updated = await svc.rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(),
      opportunityId: opportunity.id,
      deadline: moved.toISOString(),
    });
    const rows = await waitForSends(
      lead.id,
      (list) => list.length === 2 && list[0].status === 'cancelled' && list[1].status === 'scheduled',
      'the reschedule',
    );
    expect(rows[0].occurrence_key).toBe(
      `opportunity_reminder:${opportunity.id}:${Date.parse(opportunity.deadline!)}`,
    );
    expect(rows[1].occurrence_key).toBe(
      `opportunity_reminder:${opportunity.id}:${Date.parse(updated.deadline!)}`,
    );
    expect(rows[1].due_at.getTime()).toBe(Date.parse(updated.deadline!) - 12_000);
    const history = await historyOf(svc.db, tenantId, rows[0].id);
    expect(history.at(-1)?.detail).toMatch(/^deadline moved to /);
  }, 90_000);

  it('post_sale_feedback: one message after the delay; a refunded sale gets none', async () => {
    await enable('post_sale_feedback', 1);
    const lead = await createLead('Diana Compradora');
    const sale = await svc.rpc.call(Rpc.crm.createSale, {
      ...actor(),
      leadId: lead.id,
      amount: 2500,
      currency: 'MXN',
    });
    const [sent] = await waitForSends(
      lead.id,
      (rows) => SENT.includes(rows[0]?.status),
      'the feedback to go out',
    );
    expect(sent).toMatchObject({ occurrence_key: `post_sale_feedback:${sale.id}`, sale_id: sale.id });
    const messages = await messagesTo(lead.phone);
    expect(messages).toHaveLength(1);
    expect(messages[0].template).toMatchObject({ name: 'encuesta_satisfaccion', params: ['Diana'] });

    await enable('post_sale_feedback', 3600);
    const refunded = await createLead('Ernesto Reembolso');
    const other = await svc.rpc.call(Rpc.crm.createSale, {
      ...actor(),
      leadId: refunded.id,
      amount: 900,
      currency: 'MXN',
    });
    await waitForSends(
      refunded.id,
      (rows) => rows[0]?.status === 'scheduled',
      'the feedback to be scheduled',
    );
    await svc.rpc.call(Rpc.crm.updateSale, { ...actor(), saleId: other.id, status: 'refunded' });
    const [cancelled] = await waitForSends(
      refunded.id,
      (rows) => rows[0]?.status === 'cancelled',
      'the cancel',
    );
    expect((await historyOf(svc.db, tenantId, cancelled.id)).at(-1)?.detail).toBe('sale refunded');
    expect(await messagesTo(refunded.phone)).toHaveLength(0);
  }, 90_000);

  it('a user rule: "status changed to calificado" for website leads only; deleting it cancels what it scheduled', async () => {
    const rule = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Calificados de la web',
      trigger: { type: 'lead.status_changed', toStatus: 'calificado' },
      conditions: { leadSources: ['WEBSITE'] },
      templateName: 'encuesta_satisfaccion',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      delaySeconds: 0,
      enabled: true,
    });
    expect(rule.key).toMatch(/^r_[0-9a-f]{12}$/);
    expect(rule).toMatchObject({ builtIn: false, enabled: true, name: 'Calificados de la web' });
    expect((await svc.rpc.call(Rpc.automation.listRules, { tenantId })).map((r) => r.key)).toContain(
      rule.key,
    );

    const web = await createLead('Fernanda Web', 'WEBSITE');
    const ads = await createLead('Gonzalo Anuncio', 'META_ADS');
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: ads.id, status: 'calificado' });
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: web.id, status: 'calificado' });
    const [sent] = await waitForSends(
      web.id,
      (rows) => SENT.includes(rows[0]?.status),
      'the user rule to send',
    );
    expect(sent.rule_key).toBe(rule.key);
    expect(sent.occurrence_key).toMatch(new RegExp(`^${rule.key}:${web.id}:calificado:\\d+$`));
    expect((await messagesTo(web.phone))[0].template).toMatchObject({ params: ['Fernanda'] });
    // The META_ADS lead's event was handled before the website lead's: nothing for it.
    expect(await sendsOf(ads.id)).toEqual([]);

    await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: rule.key, delaySeconds: 3600 });
    const later = await createLead('Hilda Web', 'WEBSITE');
    await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: later.id, status: 'calificado' });
    await waitForSends(later.id, (rows) => rows[0]?.status === 'scheduled', 'the user rule to schedule');
    expect(await svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: rule.key })).toEqual({
      deleted: true,
    });
    const [cancelled] = await sendsOf(later.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await historyOf(svc.db, tenantId, cancelled.id)).at(-1)?.detail).toBe('rule deleted');
    expect((await svc.rpc.call(Rpc.automation.listRules, { tenantId })).map((r) => r.key)).not.toContain(
      rule.key,
    );
    // The sent one keeps its history and its rule key.
    expect((await sendsOf(web.id))[0].rule_key).toBe(rule.key);
  }, 90_000);

  it('an imported lead (its setter in lead.created, no lead.assigned) starts "lead assigned" rules', async () => {
    const rule = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Bienvenida del setter',
      trigger: { type: 'lead.assigned' },
      templateName: 'encuesta_satisfaccion',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      delaySeconds: 3600,
      enabled: true,
    });
    const lead = await createLead('Irene Importada');
    const createdAt = new Date(Date.now() - 1000).toISOString();
    // What crm-service publishes for a CSV-imported lead: the round-robin setter rides in lead.created.
    await svc.jetstream.publish(
      Events.leadCreated,
      {
        tenantId,
        leadId: lead.id,
        name: lead.name,
        phone: lead.phone,
        status: lead.status,
        leadSource: lead.leadSource,
        createdAt,
        assignedUserId: ceo.userId,
      },
      `import-${randomUUID()}`,
    );
    const rows = await waitForSends(
      lead.id,
      (found) => found.some((row) => row.rule_key === rule.key),
      'the lead.assigned rule to schedule from lead.created',
    );
    const send = rows.find((row) => row.rule_key === rule.key)!;
    expect(send.occurrence_key).toBe(`${rule.key}:${lead.id}:${ceo.userId}:${Date.parse(createdAt)}`);
    expect(send.status).toBe('scheduled');
    expect(send.due_at.getTime()).toBe(Date.parse(createdAt) + 3600_000);
    await svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: rule.key });
  }, 60_000);

  it('loop guard: an automated message never starts another automation, and our sends create no CRM event', async () => {
    const noReply = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Sin respuesta',
      trigger: { type: 'no_reply' },
      templateName: 'encuesta_satisfaccion',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      delaySeconds: 1,
      enabled: true,
    });
    await enable('post_sale_feedback', 1);
    const lead = await createLead('Iván Bucle');
    await svc.rpc.call(Rpc.crm.createSale, { ...actor(), leadId: lead.id, amount: 100, currency: 'MXN' });
    await waitFor(async () => (await sendsOf(lead.id)).length === 1, {
      what: 'the feedback to be scheduled',
    });
    const crmEventsOfLead = async () =>
      (
        (await svc.db.query(
          `SELECT count(*)::int AS n FROM crm.outbox WHERE tenant_id = $1 AND payload->>'leadId' = $2`,
          [tenantId, lead.id],
        )) as { n: number }[]
      )[0].n;
    const before = await crmEventsOfLead();
    await waitForSends(
      lead.id,
      (rows) => ['read', 'replied'].includes(rows[0]?.status),
      'the feedback to be read',
    );
    // The `sent` status of our message went past the no_reply consumer; give it time to (wrongly) act.
    await sleep(2500);
    const rows = await sendsOf(lead.id);
    expect(rows.map((r) => r.rule_key)).toEqual(['post_sale_feedback']);
    expect(rows.some((r) => r.rule_key === noReply.key)).toBe(false);
    expect(await messagesTo(lead.phone)).toHaveLength(1);
    expect(await crmEventsOfLead()).toBe(before);
    await svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: noReply.key });
  }, 90_000);

  it("no_reply: a seller's message without an answer starts the rule once; an answer cancels the wait", async () => {
    const rule = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Sin respuesta',
      trigger: { type: 'no_reply' },
      templateName: 'encuesta_satisfaccion',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      delaySeconds: 1,
      enabled: true,
    });
    const chatTemplate = (first: string) => ({
      name: 'seguimiento_lead',
      language: 'es',
      parameters: [first, 'Carla', 'Inmobiliaria Reglas'],
    });
    const lead = await createLead('Karla Silenciosa');
    await svc.rpc.call(Rpc.crm.sendChatMessage, {
      ...actor(),
      leadId: lead.id,
      template: chatTemplate('Karla'),
    });
    const [sent] = await waitForSends(
      lead.id,
      (rows) => SENT.includes(rows[0]?.status),
      'the no_reply message',
    );
    expect(sent.rule_key).toBe(rule.key);
    expect(sent.occurrence_key).toMatch(new RegExp(`^${rule.key}:${lead.id}:wamid\\.`));
    // Our own (automated) message does not start another wait: the loop guard.
    await sleep(2500);
    expect(await sendsOf(lead.id)).toHaveLength(1);
    expect(await messagesTo(lead.phone)).toHaveLength(2);

    await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: rule.key, delaySeconds: 3600 });
    const answers = await createLead('Luis Contesta');
    await svc.rpc.call(Rpc.crm.sendChatMessage, {
      ...actor(),
      leadId: answers.id,
      template: chatTemplate('Luis'),
    });
    await waitForSends(answers.id, (rows) => rows[0]?.status === 'scheduled', 'the wait to be scheduled');
    await control('/reply', { from: answers.phone, text: 'Sí, aquí estoy' });
    const [cancelled] = await waitForSends(
      answers.id,
      (rows) => rows[0]?.status === 'cancelled',
      'the cancel',
    );
    expect((await historyOf(svc.db, tenantId, cancelled.id)).at(-1)?.detail).toBe('the contact replied');
    await svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: rule.key });
  }, 90_000);

  it("a rule's new delay moves what it scheduled, from each send's anchor; claimed or retried sends keep their time", async () => {
    await enable('lead_followup', 3600);
    await enable('opportunity_reminder', 12);
    try {
      const waiting = await createLead('Tomás Reprogramado');
      const claimed = await createLead('Úrsula Reclamada');
      const retried = await createLead('Vicente Reintento');
      const deadline = new Date(Date.now() + 3_600_000);
      const opportunity = await createOpportunity(waiting.id, deadline, 'Visita movida');
      const followupOf = async (leadId: string) =>
        (
          await waitForSends(
            leadId,
            (rows) => rows.some((r) => r.rule_key === 'lead_followup' && r.status === 'scheduled'),
            'the follow-up scheduled',
          )
        ).find((r) => r.rule_key === 'lead_followup')!;
      const [first, busy, again] = [
        await followupOf(waiting.id),
        await followupOf(claimed.id),
        await followupOf(retried.id),
      ];
      expect(first.due_at.getTime()).toBe(Date.parse(waiting.createdAt) + 3600_000);
      const reminder = (
        await waitForSends(
          waiting.id,
          (rows) => rows.some((r) => r.rule_key === 'opportunity_reminder'),
          'the reminder scheduled',
        )
      ).find((r) => r.rule_key === 'opportunity_reminder')!;
      expect(reminder.due_at.getTime()).toBe(Date.parse(opportunity.deadline!) - 12_000);
      // One is being sent right now (a replica holds its claim); one was tried once and waits for its retry.
      await svc.db.query(
        `UPDATE automation.sends SET status = 'sending', attempts = 1, lease_token = gen_random_uuid(),
                lease_until = now() + interval '1 hour' WHERE id = $1`,
        [busy.id],
      );
      await svc.db.query(`UPDATE automation.sends SET attempts = 1 WHERE id = $1`, [again.id]);

      await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', delaySeconds: 7200 });
      await svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'opportunity_reminder',
        delaySeconds: 600,
      });

      const dueOf = async (id: string) =>
        (
          (await svc.db.query(`SELECT status, due_at FROM automation.sends WHERE id = $1`, [id])) as {
            status: string;
            due_at: Date;
          }[]
        )[0];
      const movedDue = Date.parse(waiting.createdAt) + 7200_000;
      expect(await dueOf(first.id)).toEqual({ status: 'scheduled', due_at: new Date(movedDue) });
      expect((await historyOf(svc.db, tenantId, first.id)).at(-1)).toMatchObject({
        status: 'scheduled',
        detail: `rule timing changed; due ${new Date(movedDue).toISOString()}`,
      });
      expect(await dueOf(reminder.id)).toEqual({
        status: 'scheduled',
        due_at: new Date(Date.parse(opportunity.deadline!) - 600_000),
      });
      expect(await dueOf(busy.id)).toEqual({ status: 'sending', due_at: busy.due_at });
      expect(await dueOf(again.id)).toEqual({ status: 'scheduled', due_at: again.due_at });
      // Saving the same timing again moves nothing and writes no history.
      const historyLength = (await historyOf(svc.db, tenantId, first.id)).length;
      await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'lead_followup', delaySeconds: 7200 });
      expect(await historyOf(svc.db, tenantId, first.id)).toHaveLength(historyLength);
      await svc.db.query(`UPDATE automation.sends SET status = 'cancelled' WHERE id = $1`, [busy.id]);
    } finally {
      for (const key of ['lead_followup', 'opportunity_reminder']) {
        await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key, enabled: false });
      }
    }
  }, 90_000);

  describe('events out of order (independent durables): the same end, cancelled, whichever comes first', () => {
    const followupHistory = async (leadId: string) => {
      const [row] = await waitForSends(
        leadId,
        (rows) => rows.some((r) => r.rule_key === 'lead_followup' && r.status === 'cancelled'),
        'the follow-up cancelled',
      );
      return (await historyOf(svc.db, tenantId, row.id)).map((h) => [h.status, h.detail]);
    };

    it('lead contacted: status change after lead.created cancels; before it, lead.created creates it cancelled', async () => {
      await enable('lead_followup', 3600);
      // In order: the lead is created (its follow-up scheduled), then contacted.
      const inOrder = await createLead('Olivia En Orden');
      await waitForSends(inOrder.id, (rows) => rows[0]?.status === 'scheduled', 'the follow-up scheduled');
      await svc.rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: inOrder.id, status: 'contactado' });
      const expected = await followupHistory(inOrder.id);
      expect(expected.map(([status]) => status)).toEqual(['scheduled', 'cancelled']);
      expect(expected[1][1]).toBe('lead already contacted (lead moved to contactado)');

      // Out of order: the status change is handled first, lead.created (with the status at creation) after it.
      const leadId = randomUUID();
      const createdAt = new Date(Date.now() - 5000);
      await svc.jetstream.publish(
        Events.leadStatusChanged,
        { tenantId, leadId, from: 'nuevo', to: 'contactado', changedAt: new Date().toISOString() },
        `ooo-status-${leadId}`,
      );
      await waitFor(
        async () =>
          (
            (await svc.db.query(
              `SELECT 1 FROM automation.lead_status_tombstones WHERE tenant_id = $1 AND lead_id = $2`,
              [tenantId, leadId],
            )) as unknown[]
          ).length === 1,
        { what: 'the status change to be handled' },
      );
      await svc.jetstream.publish(
        Events.leadCreated,
        {
          tenantId,
          leadId,
          name: 'Pablo Desordenado',
          phone: randomPhone(),
          status: 'nuevo',
          leadSource: 'META_ADS',
          createdAt: createdAt.toISOString(),
        },
        `ooo-created-${leadId}`,
      );
      const history = await followupHistory(leadId);
      expect(history).toEqual([
        ['scheduled', `lead.created; due ${new Date(createdAt.getTime() + 3600_000).toISOString()}`],
        expected[1],
      ]);
      expect((await sendsOf(leadId)).map((r) => r.status)).toEqual(['cancelled']);
    }, 90_000);

    it('a condition that stopped holding before its event was handled ends cancelled when due, not skipped', async () => {
      await enable('lead_followup', 3600);
      await enable('post_sale_feedback', 3600);
      const contacted = await createLead('Quique Sin Evento');
      const buyer = await createLead('Rosa Reembolsada');
      const sale = await svc.rpc.call(Rpc.crm.createSale, {
        ...actor(),
        leadId: buyer.id,
        amount: 700,
        currency: 'MXN',
      });
      await waitForSends(contacted.id, (rows) => rows[0]?.status === 'scheduled', 'the follow-up scheduled');
      await waitForSends(
        buyer.id,
        (rows) => rows.some((r) => r.rule_key === 'post_sale_feedback' && r.status === 'scheduled'),
        'the feedback scheduled',
      );
      // The CRM changed, but automation has not heard of it yet (as if its events waited in another durable).
      await svc.db.query(`UPDATE crm.leads SET status = 'contactado' WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        contacted.id,
      ]);
      await svc.db.query(
        `UPDATE crm.sales_transactions SET status = 'refunded' WHERE tenant_id = $1 AND id = $2`,
        [tenantId, sale.id],
      );
      await svc.db.query(
        `UPDATE automation.sends SET due_at = now()
          WHERE tenant_id = $1 AND status = 'scheduled'
            AND ((lead_id = $2 AND rule_key = 'lead_followup') OR (lead_id = $3 AND rule_key = 'post_sale_feedback'))`,
        [tenantId, contacted.id, buyer.id],
      );
      const ended = async (leadId: string, ruleKey: string) => {
        const rows = await waitForSends(
          leadId,
          (list) => list.some((r) => r.rule_key === ruleKey && !['scheduled', 'sending'].includes(r.status)),
          `${ruleKey} to end`,
        );
        const row = rows.find((r) => r.rule_key === ruleKey)!;
        const [stored] = (await svc.db.query(`SELECT attempts, error FROM automation.sends WHERE id = $1`, [
          row.id,
        ])) as { attempts: number; error: unknown }[];
        return { row, stored, history: await historyOf(svc.db, tenantId, row.id) };
      };
      const followup = await ended(contacted.id, 'lead_followup');
      expect(followup.row.status).toBe('cancelled');
      expect(followup.history.map((h) => [h.status, h.detail]).slice(1)).toEqual([
        ['cancelled', 'lead already contacted'],
      ]);
      expect(followup.stored).toEqual({ attempts: 0, error: null });
      const feedback = await ended(buyer.id, 'post_sale_feedback');
      expect(feedback.row.status).toBe('cancelled');
      // The words a `sale.refunded` event would have used.
      expect(feedback.history.at(-1)).toMatchObject({ status: 'cancelled', detail: 'sale refunded' });
      expect(await messagesTo(contacted.phone)).toHaveLength(0);
      expect(await messagesTo(buyer.phone)).toHaveLength(0);
    }, 90_000);

    it('an opportunity closed or a sale refunded before its scheduling event is handled: nothing is created', async () => {
      for (const key of ['opportunity_reminder', 'post_sale_feedback']) {
        await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key, enabled: false });
      }
      const lead = await createLead('Sergio Tardío');
      const opportunity = await createOpportunity(lead.id, new Date(Date.now() + 3_600_000));
      await svc.rpc.call(Rpc.crm.updateOpportunity, {
        ...actor(),
        opportunityId: opportunity.id,
        status: 'won',
      });
      const sale = await svc.rpc.call(Rpc.crm.createSale, {
        ...actor(),
        leadId: lead.id,
        amount: 300,
        currency: 'MXN',
      });
      await svc.rpc.call(Rpc.crm.updateSale, { ...actor(), saleId: sale.id, status: 'refunded' });
      await enable('opportunity_reminder', 12);
      await enable('post_sale_feedback', 12);
      // opportunity.created and sale.completed delivered late, after the close and the refund were handled: the
      // scheduling reads crm-service, which already says closed / refunded.
      await svc.jetstream.publish(
        Events.opportunityCreated,
        opportunityCreatedOf(tenantId, opportunity),
        `late-${randomUUID()}`,
      );
      await svc.jetstream.publish(
        Events.saleCompleted,
        {
          tenantId,
          saleId: sale.id,
          leadId: lead.id,
          opportunityId: null,
          amount: sale.amount,
          currency: sale.currency,
          completedAt: sale.completedAt ?? new Date().toISOString(),
        },
        `late-${randomUUID()}`,
      );
      await sleep(2000);
      const rows = await sendsOf(lead.id);
      expect(rows.filter((r) => ['opportunity_reminder', 'post_sale_feedback'].includes(r.rule_key))).toEqual(
        [],
      );
    }, 90_000);

    afterAll(async () => {
      for (const key of ['lead_followup', 'post_sale_feedback']) {
        await svc.rpc.call(Rpc.automation.updateRule, { tenantId, key, enabled: false });
      }
    });
  });

  it('refuses invalid rules with 4xx codes', async () => {
    const noStatus = await rpcError(
      svc.rpc.call(Rpc.automation.createRule, {
        tenantId,
        name: 'X',
        trigger: { type: 'lead.status_changed' },
      }),
    );
    expect(noStatus).toMatchObject({ code: 'VALIDATION' });
    expect(noStatus.message).toMatch(/needs the status/);
    const missingTrigger = await rpcError(
      svc.rpc.callInvalid(Rpc.automation.createRule, { tenantId, name: 'X' }),
    );
    expect(missingTrigger.code).toBe('VALIDATION');
    const builtInDelete = await rpcError(
      svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: 'opportunity_reminder' }),
    );
    expect(builtInDelete.code).toBe('VALIDATION');
    const unknownDelete = await rpcError(
      svc.rpc.call(Rpc.automation.deleteRule, { tenantId, key: 'r_000000000000' }),
    );
    expect(unknownDelete.code).toBe('NOT_FOUND');
    const unknownUpdate = await rpcError(
      svc.rpc.call(Rpc.automation.updateRule, { tenantId, key: 'r_000000000000', enabled: false }),
    );
    expect(unknownUpdate.code).toBe('NOT_FOUND');
    const retrigger = await rpcError(
      svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'lead_followup',
        trigger: { type: 'sale.completed' },
      }),
    );
    expect(retrigger.code).toBe('VALIDATION');
    // The pre-flight check (meta.templates.details): every part of the mapping must fit the template.
    const wrongBody = await rpcError(
      svc.rpc.call(Rpc.automation.createRule, {
        tenantId,
        name: 'Mal mapeada',
        trigger: { type: 'lead.created' },
        templateName: 'recordatorio_cita',
        templateLanguage: 'es',
        mapping: { header: [], body: ['lead.first_name'], buttons: [] },
        enabled: true,
      }),
    );
    expect(wrongBody.code).toBe('VALIDATION');
    expect(wrongBody.message).toBe('template recordatorio_cita (es) has 3 variable(s) but the mapping has 1');
    const notApproved = await rpcError(
      svc.rpc.call(Rpc.automation.createRule, {
        tenantId,
        name: 'Pendiente',
        trigger: { type: 'lead.created' },
        templateName: 'promo_navidad',
        templateLanguage: 'es',
        mapping: { header: [], body: ['lead.first_name'], buttons: [] },
        enabled: true,
      }),
    );
    expect(notApproved.message).toMatch(/is PENDING, only APPROVED/);
    const rules = await svc.rpc.call(Rpc.automation.listRules, { tenantId });
    expect(rules.filter((r) => r.name === 'Mal mapeada' || r.name === 'Pendiente')).toEqual([]);
  });

  it('dry run: the message as the contact would read it, or why not', async () => {
    const lead = await createLead('Julia Vista Previa');
    const preview = await svc.rpc.call(Rpc.automation.preview, {
      tenantId,
      ruleKey: 'lead_followup',
      leadId: lead.id,
    });
    expect(preview).toMatchObject({
      wouldSend: true,
      reason: null,
      to: lead.phone,
      templateName: 'seguimiento_lead',
      bodyParameters: ['Julia', 'Inmobiliaria Reglas', 'Inmobiliaria Reglas'],
      renderedText: 'Hola Julia, soy Inmobiliaria Reglas de Inmobiliaria Reglas. ¿Seguimos con tu consulta?',
    });

    const withEmail = await svc.rpc.call(Rpc.automation.createRule, {
      tenantId,
      name: 'Con correo',
      trigger: { type: 'lead.created' },
      templateName: 'seguimiento_lead',
      templateLanguage: 'es',
      mapping: { header: [], body: ['lead.first_name', 'lead.email', 'tenant.name'], buttons: [] },
    });
    const missing = await svc.rpc.call(Rpc.automation.preview, {
      tenantId,
      ruleKey: withEmail.key,
      leadId: lead.id,
    });
    expect(missing).toMatchObject({ wouldSend: false, reason: 'missing_variable' });
    expect(missing.reasonText).toBe('no value for body {{2}} (lead.email)');

    const noOpportunity = await svc.rpc.call(Rpc.automation.preview, {
      tenantId,
      ruleKey: 'opportunity_reminder',
      leadId: lead.id,
    });
    expect(noOpportunity).toMatchObject({ wouldSend: false, reason: 'condition_changed' });
    expect(await sendsOf(lead.id)).toEqual([]);
  });
});

function opportunityCreatedOf(tenantId: string, opportunity: OpportunityView) {
  return {
    tenantId,
    opportunityId: opportunity.id,
    leadId: opportunity.leadId,
    title: opportunity.title,
    value: opportunity.value,
    currency: opportunity.currency,
    status: opportunity.status,
    deadline: opportunity.deadline,
    ownerId: opportunity.ownerId,
    createdAt: opportunity.createdAt,
  };
}
