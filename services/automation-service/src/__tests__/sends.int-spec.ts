import { randomUUID } from 'node:crypto';
import {
  Events,
  LIST_TOTAL_CAP,
  Rpc,
  type LeadCreatedEvent,
  type SendState,
  type WhatsappInboundEvent,
  type WhatsappStatusEvent,
} from '@crm/contracts';
import { waitFor, rpcError, waitForConsumerIdle } from '@crm/testing';
import { DURABLES } from '../sends/sends.consumers';
import { SendStore } from '../sends/send-store';
import { callbackDataFor } from '../sends/sends.service';
import {
  historyOf,
  insertSend,
  randomPhone,
  randomWamid,
  saveRule,
  sendRow,
  startAutomationTestApp,
  type AutomationTestApp,
} from './automation-test-app';

function leadCreated(tenantId: string, overrides: Partial<LeadCreatedEvent> = {}): LeadCreatedEvent {
  return {
    tenantId,
    leadId: randomUUID(),
    name: 'Ana López',
    phone: randomPhone(),
    status: 'nuevo',
    leadSource: 'META_ADS',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

function statusEvent(
  tenantId: string,
  wamid: string,
  status: WhatsappStatusEvent['status'],
  at: Date,
  extra: Partial<WhatsappStatusEvent> = {},
): WhatsappStatusEvent {
  return { tenantId, wamid, status, timestamp: at.toISOString(), recipientId: '5215512345678', ...extra };
}

const T0 = new Date('2026-03-02T15:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe('automation-service: scheduling, delivery log, rules, logs (own service + JetStream)', () => {
  let svc: AutomationTestApp;

  beforeAll(async () => {
    // A slow poll: these tests look at rows before the scheduler would touch them.
    svc = await startAutomationTestApp({ pollMs: 60_000 });
  });

  afterAll(async () => {
    await svc.close();
  });

  describe('rules', () => {
    it('returns the defaults for a tenant that never configured the rule', async () => {
      const rules = await svc.rpc.call(Rpc.automation.listRules, { tenantId: randomUUID() });
      expect(rules.map((rule) => rule.key)).toEqual([
        'lead_followup',
        'opportunity_reminder',
        'post_sale_feedback',
      ]);
      // The fields of the old RuleView are all there, with the same values.
      expect(rules[0]).toMatchObject({
        key: 'lead_followup',
        enabled: false,
        delaySeconds: 86400,
        templateName: 'seguimiento_lead',
        templateLanguage: 'es',
        variableMapping: ['lead.first_name', 'seller.name', 'tenant.name'],
        updatedAt: null,
      });
      expect(rules[0]).toMatchObject({
        builtIn: true,
        name: null,
        trigger: { type: 'lead.created' },
        conditions: {},
        mapping: { header: [], body: ['lead.first_name', 'seller.name', 'tenant.name'], buttons: [] },
        pause: null,
      });
      expect(rules[1]).toMatchObject({
        trigger: { type: 'opportunity.deadline' },
        delaySeconds: 7200,
        templateName: 'recordatorio_cita',
      });
      expect(rules[2]).toMatchObject({
        trigger: { type: 'sale.completed' },
        delaySeconds: 7 * 86400,
        templateName: 'encuesta_satisfaccion',
      });
    });

    it('saves changes that do not enable the rule without asking Meta, per tenant', async () => {
      const tenantId = randomUUID();
      const saved = await svc.rpc.call(Rpc.automation.updateRule, {
        tenantId,
        key: 'lead_followup',
        delaySeconds: 3600,
        variableMapping: ['lead.name', 'tenant.name'],
      });
      expect(saved).toMatchObject({
        enabled: false,
        delaySeconds: 3600,
        variableMapping: ['lead.name', 'tenant.name'],
      });
      expect(Date.parse(saved.updatedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      const [listed] = await svc.rpc.call(Rpc.automation.listRules, { tenantId });
      expect(listed).toEqual(saved);
      const [other] = await svc.rpc.call(Rpc.automation.listRules, { tenantId: randomUUID() });
      expect(other.delaySeconds).toBe(86400);
    });

    it('rejects bad input with VALIDATION', async () => {
      const badKey = await rpcError(
        svc.rpc.callInvalid(Rpc.automation.updateRule, {
          tenantId: randomUUID(),
          key: 'nope',
          delaySeconds: 10,
        }),
      );
      expect(badKey.code).toBe('VALIDATION');
      const badMapping = await rpcError(
        svc.rpc.callInvalid(Rpc.automation.updateRule, {
          tenantId: randomUUID(),
          key: 'lead_followup',
          variableMapping: ['lead.password'],
        }),
      );
      expect(badMapping.code).toBe('VALIDATION');
      const badTenant = await rpcError(svc.rpc.call(Rpc.automation.listLogs, { tenantId: 'me' }));
      expect(badTenant.code).toBe('VALIDATION');
    });
  });

  describe('lead.created', () => {
    it('schedules one send per lead even when the event arrives twice (unique constraint)', async () => {
      const tenantId = randomUUID();
      await saveRule(svc.db, tenantId, { enabled: true, delaySeconds: 7200 });
      const event = leadCreated(tenantId);
      // Two distinct message ids: JetStream's own dedupe does not hide the second copy from the consumer.
      await svc.jetstream.publish(Events.leadCreated, event, `a-${event.leadId}`);
      await svc.jetstream.publish(Events.leadCreated, event, `b-${event.leadId}`);
      await waitForConsumerIdle(DURABLES.leadCreated);
      const rows: { id: string; status: string; due_at: Date; phone: string; lead_name: string }[] =
        await svc.db.query(`SELECT * FROM automation.sends WHERE tenant_id = $1`, [tenantId]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'scheduled', phone: event.phone, lead_name: 'Ana López' });
      expect(rows[0].due_at.toISOString()).toBe(
        new Date(Date.parse(event.createdAt) + 7200_000).toISOString(),
      );
      const history = await historyOf(svc.db, tenantId, rows[0].id);
      expect(history).toHaveLength(1);
      expect(history[0].status).toBe('scheduled');
    });

    it('schedules nothing while the rule is off (no backfill) or for a lead past the initial status', async () => {
      const disabled = randomUUID();
      await svc.jetstream.publish(Events.leadCreated, leadCreated(disabled));
      const contacted = randomUUID();
      await saveRule(svc.db, contacted, { enabled: true });
      await svc.jetstream.publish(Events.leadCreated, leadCreated(contacted, { status: 'contactado' }));
      await waitForConsumerIdle(DURABLES.leadCreated);
      const rows: unknown[] = await svc.db.query(
        `SELECT 1 FROM automation.sends WHERE tenant_id = ANY($1::uuid[])`,
        [[disabled, contacted]],
      );
      expect(rows).toHaveLength(0);
    });
  });

  describe('whatsapp status', () => {
    it('moves the log forward monotonically, with one history row per applied change', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sending', wamid });
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'sent', at(0)));
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'delivered', at(5)));
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'read', at(60)));
      // Duplicates and a late `sent`, then a `failed` after read: none of them changes anything.
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'read', at(61)));
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'sent', at(62)));
      await svc.jetstream.publish(
        Events.whatsappStatus,
        statusEvent(tenantId, wamid, 'failed', at(63), {
          errors: [{ code: 131026, title: 'Undeliverable' }],
        }),
      );
      await waitForConsumerIdle(DURABLES.whatsappStatus);
      const row = await sendRow(svc.db, tenantId, id);
      expect(row.status).toBe('read');
      expect(row.sent_at?.toISOString()).toBe(at(0).toISOString());
      expect(row.delivered_at?.toISOString()).toBe(at(5).toISOString());
      expect(row.read_at?.toISOString()).toBe(at(60).toISOString());
      expect(row.failed_at).toBeNull();
      expect(row.error).toBeNull();
      const history = await historyOf(svc.db, tenantId, id);
      expect(history.map((h) => h.status)).toEqual(['sending', 'sent', 'delivered', 'read']);
      expect(history[3].at.toISOString()).toBe(at(60).toISOString());
    });

    it('accepts read without delivered, and ignores a delivered that arrives after read', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sending', wamid });
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'read', at(30)));
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'read', { what: 'read' });
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'delivered', at(10)));
      await waitForConsumerIdle(DURABLES.whatsappStatus);
      const row = await sendRow(svc.db, tenantId, id);
      expect(row.status).toBe('read');
      expect(row.delivered_at?.toISOString()).toBe(at(30).toISOString());
      expect(row.read_at?.toISOString()).toBe(at(30).toISOString());
      expect((await historyOf(svc.db, tenantId, id)).map((h) => h.status)).toEqual(['sending', 'read']);
    });

    it('records a failure with its WhatsApp error', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sent', wamid, sentAt: at(0) });
      await svc.jetstream.publish(
        Events.whatsappStatus,
        statusEvent(tenantId, wamid, 'failed', at(20), {
          errors: [{ code: 131026, title: 'Message undeliverable', message: 'Receiver is not on WhatsApp' }],
        }),
      );
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'failed', {
        what: 'failed',
      });
      const row = await sendRow(svc.db, tenantId, id);
      expect(row.error).toEqual({
        code: '131026',
        message: 'Message undeliverable: Receiver is not on WhatsApp',
        reason: 'undeliverable',
      });
      expect(row.failed_at?.toISOString()).toBe(at(20).toISOString());
    });

    it('finds the send through its callback data when the webhook beats the stored wamid', async () => {
      const tenantId = randomUUID();
      const id = await insertSend(svc.db, { tenantId, status: 'sending', wamid: null });
      const wamid = randomWamid();
      await svc.jetstream.publish(
        Events.whatsappStatus,
        statusEvent(tenantId, wamid, 'sent', at(1), { callbackData: callbackDataFor(id) }),
      );
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'sent', { what: 'sent' });
      expect((await sendRow(svc.db, tenantId, id)).wamid).toBe(wamid);
    });

    it('ignores unknown wamids and other tenants', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sending', wamid });
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(randomUUID(), wamid, 'sent', at(1)));
      await svc.jetstream.publish(
        Events.whatsappStatus,
        statusEvent(randomUUID(), randomWamid(), 'sent', at(1), { callbackData: callbackDataFor(id) }),
      );
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, randomWamid(), 'read', at(1)));
      await waitForConsumerIdle(DURABLES.whatsappStatus);
      expect((await sendRow(svc.db, tenantId, id)).status).toBe('sending');
    });
  });

  describe('whatsapp inbound', () => {
    function inbound(
      tenantId: string,
      from: string,
      extra: Partial<WhatsappInboundEvent> = {},
    ): WhatsappInboundEvent {
      return {
        tenantId,
        wamid: randomWamid(),
        phoneNumberId: '106540352242922',
        from,
        timestamp: new Date().toISOString(),
        text: 'Sí, me interesa',
        ...extra,
      };
    }

    /** A send WhatsApp accepted (it has a wamid) to `phone`, sent at `sentAt`. */
    function sentTo(tenantId: string, phone: string, status: SendState, sentAt: Date): Promise<string> {
      return insertSend(svc.db, { tenantId, status, wamid: randomWamid(), phone, sentAt });
    }

    it('marks a recent send to that phone as replied, once', async () => {
      const tenantId = randomUUID();
      const phone = randomPhone();
      const id = await sentTo(tenantId, phone, 'delivered', new Date(Date.now() - 3600_000));
      const reply = inbound(tenantId, phone);
      await svc.jetstream.publish(Events.whatsappInbound, reply);
      await svc.jetstream.publish(Events.whatsappInbound, reply);
      await waitForConsumerIdle(DURABLES.whatsappInbound);
      const row = await sendRow(svc.db, tenantId, id);
      expect(row.status).toBe('replied');
      expect(row.replied_at?.toISOString()).toBe(new Date(reply.timestamp).toISOString());
      expect((await historyOf(svc.db, tenantId, id)).filter((h) => h.status === 'replied')).toHaveLength(1);
    });

    it('does not count a message from a phone messaged more than 7 days ago, or a still-unsent one', async () => {
      const tenantId = randomUUID();
      const phone = randomPhone();
      const old = await sentTo(tenantId, phone, 'read', new Date(Date.now() - 8 * 24 * 3600_000));
      const otherPhone = randomPhone();
      const scheduled = await insertSend(svc.db, { tenantId, status: 'scheduled', phone: otherPhone });
      await svc.jetstream.publish(Events.whatsappInbound, inbound(tenantId, phone));
      await svc.jetstream.publish(Events.whatsappInbound, inbound(tenantId, otherPhone));
      await waitForConsumerIdle(DURABLES.whatsappInbound);
      expect((await sendRow(svc.db, tenantId, old)).status).toBe('read');
      expect((await sendRow(svc.db, tenantId, scheduled)).status).toBe('scheduled');
    });

    it('matches a Mexican reply written without the mobile 1 to the send stored with it', async () => {
      const tenantId = randomUUID();
      const tenDigits = String(Math.floor(Math.random() * 1e10)).padStart(10, '5');
      const id = await sentTo(tenantId, `+521${tenDigits}`, 'delivered', new Date(Date.now() - 60_000));
      await svc.jetstream.publish(Events.whatsappInbound, inbound(tenantId, `+52${tenDigits}`));
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'replied', {
        what: 'replied',
      });
    });

    it('does not count a message the contact wrote before the send went out', async () => {
      const tenantId = randomUUID();
      const phone = randomPhone();
      const id = await sentTo(tenantId, phone, 'delivered', new Date());
      const earlier = inbound(tenantId, phone, { timestamp: new Date(Date.now() - 3600_000).toISOString() });
      await svc.jetstream.publish(Events.whatsappInbound, earlier);
      await waitForConsumerIdle(DURABLES.whatsappInbound);
      expect((await sendRow(svc.db, tenantId, id)).status).toBe('delivered');
    });

    it('counts a reply that quotes the send, whatever phone it comes from', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sent', wamid, sentAt: new Date() });
      await svc.jetstream.publish(
        Events.whatsappInbound,
        inbound(tenantId, randomPhone(), { contextWamid: wamid }),
      );
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'replied', {
        what: 'replied',
      });
    });
  });

  describe('outcome unknown', () => {
    it('a claimed row is begun with what it is sent as; once failed as stuck it is no longer ours to send', async () => {
      const store = svc.app.get(SendStore);
      const tenantId = randomUUID();
      const id = await insertSend(svc.db, { tenantId, status: 'sending' });
      const lease = randomUUID();
      await svc.db.query(
        `UPDATE automation.sends SET lease_token = $3, lease_until = now() + interval '1 minute'
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, lease],
      );
      const details = { phone: '+5215512345678', leadName: 'Ana', templateName: 't', templateLanguage: 'es' };
      expect(await store.beginRequest(tenantId, id, lease, 30_000, details)).toBe(true);
      expect(await sendRow(svc.db, tenantId, id)).toMatchObject({ phone: details.phone, lead_name: 'Ana' });
      await svc.db.query(`UPDATE automation.sends SET status = 'failed' WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      expect(await store.beginRequest(tenantId, id, lease, 30_000, details)).toBe(false);
    });

    it('a send failed as "outcome unknown" that WhatsApp reports on moves on, with its error cleared', async () => {
      const tenantId = randomUUID();
      const wamid = randomWamid();
      const id = await insertSend(svc.db, { tenantId, status: 'sending', wamid });
      await svc.db.query(
        `UPDATE automation.sends SET status = 'failed', failed_at = now(),
                error = jsonb_build_object('code', 'OUTCOME_UNKNOWN', 'message', 'x')
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'delivered', at(20)));
      await waitFor(async () => (await sendRow(svc.db, tenantId, id)).status === 'delivered', {
        what: 'revived send',
      });
      const row = await sendRow(svc.db, tenantId, id);
      expect(row.error).toBeNull();
      expect(row.failed_at).toBeNull();
    });
  });

  describe('logs and metrics', () => {
    it('counts the log up to the cap and says when more sends match', async () => {
      const tenantId = randomUUID();
      // One past the cap, skipped (no worker touches them); one of them for another rule.
      await svc.db.query(
        `INSERT INTO automation.sends
           (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language, status, due_at)
         SELECT $1, CASE WHEN g = 1 THEN 'opportunity_reminder' ELSE 'lead_followup' END, gen_random_uuid(),
                '+52155' || lpad(g::text, 8, '0'), 'Ana López', 'seguimiento_lead', 'es', 'skipped', now()
           FROM generate_series(1, $2::int) g`,
        [tenantId, LIST_TOTAL_CAP + 1],
      );
      const all = await svc.rpc.call(Rpc.automation.listLogs, { tenantId, pageSize: 2 });
      expect([all.total, all.totalCapped, all.items.length]).toEqual([LIST_TOTAL_CAP, true, 2]);
      const one = await svc.rpc.call(Rpc.automation.listLogs, { tenantId, ruleKey: 'opportunity_reminder' });
      expect([one.total, one.totalCapped, one.items.length]).toEqual([1, false, 1]);
    });

    it('lists newest first with history, filters by status, and counts the funnel', async () => {
      const tenantId = randomUUID();
      const first = await insertSend(svc.db, { tenantId, status: 'scheduled' });
      const wamid = randomWamid();
      const second = await insertSend(svc.db, { tenantId, status: 'sending', wamid });
      await svc.jetstream.publish(Events.whatsappStatus, statusEvent(tenantId, wamid, 'read', at(9)));
      await waitFor(async () => (await sendRow(svc.db, tenantId, second)).status === 'read', {
        what: 'read',
      });
      const third = await insertSend(svc.db, { tenantId, status: 'skipped' });
      await insertSend(svc.db, { tenantId: randomUUID(), status: 'failed' });

      const page = await svc.rpc.call(Rpc.automation.listLogs, {
        tenantId,
        pageSize: 2,
      });
      expect(page.total).toBe(3);
      expect(page.items.map((i) => i.id)).toEqual([third, second]);
      const read = page.items[1];
      expect(read).toMatchObject({
        status: 'read',
        wamid,
        leadName: 'Ana López',
        templateName: 'seguimiento_lead',
        readAt: at(9).toISOString(),
        deliveredAt: at(9).toISOString(),
      });
      expect(read.history.map((h) => h.status)).toEqual(['sending', 'read']);
      expect(read.phone).toMatch(/^\+52/);

      const pageTwo = await svc.rpc.call(Rpc.automation.listLogs, {
        tenantId,
        pageSize: 2,
        page: 2,
      });
      expect(pageTwo.items.map((i) => i.id)).toEqual([first]);
      const onlyScheduled = await svc.rpc.call(Rpc.automation.listLogs, {
        tenantId,
        status: 'scheduled',
      });
      expect(onlyScheduled.items.map((i) => i.id)).toEqual([first]);
      const leadId = (await svc.db.query('SELECT lead_id FROM automation.sends WHERE id = $1', [second]))[0]
        .lead_id as string;
      const ofLead = await svc.rpc.call(Rpc.automation.listLogs, { tenantId, leadId });
      expect(ofLead.items.map((i) => i.id)).toEqual([second]);
      expect(ofLead.total).toBe(1);
      const badLead = await rpcError(svc.rpc.call(Rpc.automation.listLogs, { tenantId, leadId: 'x' }));
      expect(badLead.code).toBe('VALIDATION');

      const metrics = await svc.rpc.call(Rpc.automation.metrics, { tenantId });
      expect(metrics).toEqual({
        scheduled: 1,
        sent: 1,
        delivered: 1,
        read: 1,
        replied: 0,
        failed: 0,
        skipped: 1,
        deliveryRate: 1,
        readRate: 1,
        replyRate: 0,
      });
      const empty = await svc.rpc.call(Rpc.automation.metrics, {
        tenantId: randomUUID(),
        ruleKey: 'lead_followup',
      });
      expect(empty).toMatchObject({ sent: 0, deliveryRate: null, readRate: null, replyRate: null });
    });
  });
});
