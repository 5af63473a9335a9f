import { randomUUID } from 'node:crypto';
import {
  Events,
  Rpc,
  type AutomationFunnel,
  type AutomationMetricsV2,
  type OpportunityCreatedEvent,
  type SaleCompletedEvent,
  type SendState,
} from '@crm/contracts';
import { createPrng } from '@crm/meta-sandbox';
import { waitFor } from '@crm/testing';
import { DateTime } from 'luxon';
import { FunnelsService } from '../metrics/funnels.service';
import { SendStore } from '../sends/send-store';
import {
  randomPhone,
  randomWamid,
  startAutomationTestApp,
  type AutomationTestApp,
} from './automation-test-app';

type Fixture = {
  ruleKey?: string;
  template?: string;
  status: SendState;
  sentAt?: Date | null;
  failedAt?: Date | null;
  dueAt?: Date;
  deliveredAt?: Date | null;
  readAt?: Date | null;
  repliedAt?: Date | null;
  reason?: string;
  leadId?: string;
};

const DAY = 86_400_000;
const T0 = new Date('2026-03-02T15:00:00.000Z');
const at = (hours: number): Date => new Date(T0.getTime() + hours * 3_600_000);

/** The CRM's event of a new opportunity of the lead, created at `createdAt`. */
const opportunityCreated = (tenantId: string, leadId: string, createdAt: Date): OpportunityCreatedEvent => ({
  tenantId,
  opportunityId: randomUUID(),
  leadId,
  title: 'Plan anual',
  value: 1200,
  currency: 'MXN',
  status: 'pending',
  deadline: null,
  ownerId: null,
  createdAt: createdAt.toISOString(),
});

/** The CRM's event of a sale to the lead (no opportunity), completed at `completedAt`. */
const saleCompleted = (tenantId: string, leadId: string, completedAt: Date): SaleCompletedEvent => ({
  tenantId,
  saleId: randomUUID(),
  leadId,
  opportunityId: null,
  amount: 500,
  currency: 'MXN',
  completedAt: completedAt.toISOString(),
});

describe('automation-service: automation.metrics.funnels', () => {
  let svc: AutomationTestApp;

  beforeAll(async () => {
    svc = await startAutomationTestApp({ pollMs: 60_000 });
  });

  afterAll(async () => {
    await svc.close();
  });

  async function insert(tenantId: string, send: Fixture): Promise<string> {
    const leadId = send.leadId ?? randomUUID();
    const rows = (await svc.db.query(
      `INSERT INTO automation.sends
         (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language, status, due_at, wamid,
          sent_at, delivered_at, read_at, replied_at, failed_at, error)
       VALUES ($1, $2, $3, $4, 'Ana López', $5, 'es', $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
       RETURNING id`,
      [
        tenantId,
        send.ruleKey ?? 'lead_followup',
        leadId,
        randomPhone(),
        send.template ?? 'seguimiento_lead',
        send.status,
        send.dueAt ?? send.sentAt ?? send.failedAt ?? T0,
        send.sentAt ? randomWamid() : null,
        send.sentAt ?? null,
        send.deliveredAt ?? null,
        send.readAt ?? null,
        send.repliedAt ?? null,
        send.failedAt ?? null,
        send.reason ? JSON.stringify({ code: send.reason, message: 'fixture' }) : null,
      ],
    )) as { id: string }[];
    return rows[0].id;
  }

  const funnels = (tenantId: string, extra: { conversionDays?: number; timezone?: string } = {}) =>
    svc.rpc.call(Rpc.automation.funnels, {
      tenantId,
      from: at(-24).toISOString(),
      to: at(48).toISOString(),
      ...extra,
    });

  it('reads delivered/read/replied over sent and failed over sent + failed; a failed send is never sent', async () => {
    const tenantId = randomUUID();
    await insert(tenantId, { status: 'sent', sentAt: at(0) });
    await insert(tenantId, { status: 'delivered', sentAt: at(0), deliveredAt: at(0.1) });
    await insert(tenantId, { status: 'read', sentAt: at(1), deliveredAt: at(1.1), readAt: at(2) });
    await insert(tenantId, {
      status: 'replied',
      sentAt: at(1),
      deliveredAt: at(1.1),
      readAt: at(1.2),
      repliedAt: at(3),
    });
    // Failed after Meta accepted it (undeliverable): has sent_at, still not "sent".
    await insert(tenantId, { status: 'failed', sentAt: at(0), failedAt: at(0.5), reason: 'undeliverable' });
    await insert(tenantId, { status: 'failed', failedAt: at(2), reason: 'meta_rejected' });
    await insert(tenantId, { status: 'scheduled', dueAt: at(30) });
    // Another rule and template.
    await insert(tenantId, {
      ruleKey: 'post_sale_feedback',
      template: 'encuesta',
      status: 'failed',
      failedAt: at(1),
      reason: 'opted_out',
    });

    const metrics = await funnels(tenantId);
    expect(metrics.total).toMatchObject({
      queued: 8,
      sent: 4,
      delivered: { count: 3, rate: 0.75 },
      read: { count: 2, rate: 0.5 },
      replied: { count: 1, rate: 0.25 },
      failed: { count: 3, rate: 3 / 7 },
    });
    const followup = metrics.byRule.find((row) => row.key === 'lead_followup')!;
    expect(followup.failed).toEqual({ count: 2, rate: 2 / 6 });
    expect(followup.failedByReason).toEqual([
      { reason: 'meta_rejected', count: 1 },
      { reason: 'undeliverable', count: 1 },
    ]);
    const feedback = metrics.byRule.find((row) => row.key === 'post_sale_feedback')!;
    // Nothing reached WhatsApp: no rate instead of 0 % or 100 %.
    expect(feedback).toMatchObject({
      sent: 0,
      delivered: { count: 0, rate: null },
      failed: { count: 1, rate: 1 },
    });
    expect(metrics.byTemplate.map((row: AutomationFunnel) => [row.key, row.queued])).toEqual([
      ['encuesta', 1],
      ['seguimiento_lead', 7],
    ]);
    const day = metrics.daily.find((point) => point.day === '2026-03-02')!;
    expect(day).toEqual({ day: '2026-03-02', sent: 4, delivered: 3, read: 2, replied: 1, failed: 3 });
    expect(metrics.daily.map((point) => point.day)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
    ]);
  });

  it('counts the daily series in the tenant timezone', async () => {
    const tenantId = randomUUID();
    // 03:00 UTC on 3 March is still 2 March in Mexico City (UTC-6).
    await insert(tenantId, { status: 'sent', sentAt: new Date('2026-03-03T03:00:00Z') });
    const utc = await funnels(tenantId);
    const mexico = await funnels(tenantId, { timezone: 'America/Mexico_City' });
    expect(utc.daily.find((point) => point.sent > 0)?.day).toBe('2026-03-03');
    expect(mexico.daily.find((point) => point.sent > 0)?.day).toBe('2026-03-02');
  });

  it('counts a conversion when an opportunity or a sale of the lead follows the message within N days', async () => {
    const tenantId = randomUUID();
    const [inWindow, late, before, sale, failedLead] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    for (const leadId of [inWindow, late, before, sale]) {
      await insert(tenantId, { leadId, status: 'delivered', sentAt: at(0), deliveredAt: at(0.1) });
    }
    await insert(tenantId, {
      leadId: failedLead,
      status: 'failed',
      failedAt: at(0),
      reason: 'meta_rejected',
    });
    const opportunity = (leadId: string, createdAt: Date) =>
      svc.jetstream.publish(Events.opportunityCreated, opportunityCreated(tenantId, leadId, createdAt));
    await opportunity(inWindow, new Date(at(0).getTime() + 2 * DAY));
    await opportunity(late, new Date(at(0).getTime() + 9 * DAY));
    await opportunity(before, at(-1));
    await opportunity(failedLead, at(1));
    await svc.jetstream.publish(Events.saleCompleted, saleCompleted(tenantId, sale, at(5)));
    await waitFor(
      async () => {
        const rows = (await svc.db.query(
          `SELECT count(*)::int AS n FROM automation.lead_outcomes WHERE tenant_id = $1`,
          [tenantId],
        )) as { n: number }[];
        return rows[0].n === 5;
      },
      { what: 'the five outcomes consumed' },
    );

    const seven = await funnels(tenantId, { conversionDays: 7 });
    expect(seven.total.converted).toEqual({ count: 2, rate: 0.5 });
    expect(seven.conversionDays).toBe(7);
    const ten = await funnels(tenantId, { conversionDays: 10 });
    expect(ten.total.converted).toEqual({ count: 3, rate: 0.75 });
  });

  it("never shows another tenant's sends or conversions", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const leadId = randomUUID();
    await insert(tenantA, { leadId, status: 'read', sentAt: at(0), deliveredAt: at(0.1), readAt: at(0.2) });
    await svc.db.query(
      `INSERT INTO automation.lead_outcomes (tenant_id, kind, entity_id, lead_id, at) VALUES ($1, 'sale', $2, $3, $4)`,
      [tenantB, randomUUID(), leadId, at(1)],
    );
    const a = await funnels(tenantA);
    const b = await funnels(tenantB);
    expect(a.total).toMatchObject({ sent: 1, read: { count: 1, rate: 1 }, converted: { count: 0, rate: 0 } });
    expect(b.total).toMatchObject({ queued: 0, sent: 0, read: { count: 0, rate: null } });
    expect(b.byRule).toEqual([]);
  });

  /** The lead's opportunity at `at`, recorded as the consumer records it. */
  const opportunityAt = (tenantId: string, leadId: string, at: Date) =>
    svc.app.get(FunnelsService).recordConversion(opportunityCreated(tenantId, leadId, at));
  const saleAt = (tenantId: string, leadId: string, at: Date) =>
    svc.app.get(FunnelsService).recordConversion(saleCompleted(tenantId, leadId, at));
  const optOutAt = (tenantId: string, leadId: string, at: Date) =>
    svc.app
      .get(FunnelsService)
      .recordOptOut({ tenantId, leadId, phone: randomPhone(), source: 'keyword', at: at.toISOString() });

  it('counts an outcome recorded before the send went out (its sent_at came later) and one recorded after', async () => {
    const tenantId = randomUUID();
    const [early, late] = [randomUUID(), randomUUID()];
    // An `unknown` send: the opportunity is recorded while nobody knows yet that (and when) it went out.
    const settledLate = await insert(tenantId, { leadId: early, status: 'unknown', dueAt: at(-1) });
    await opportunityAt(tenantId, early, at(2));
    await svc.app.get(SendStore).applyDeliveryUpdate(tenantId, settledLate, 'delivered', {
      at: at(0),
      detail: 'delivered',
      wamid: randomWamid(),
    });
    // Already sent when its outcomes come in: a sale 9 days later first, then an opportunity 3 hours later, then an
    // opportunity before the message (never counts) and an opt-out after it.
    await insert(tenantId, {
      leadId: late,
      status: 'read',
      sentAt: at(0),
      deliveredAt: at(0.1),
      readAt: at(0.2),
    });
    await saleAt(tenantId, late, new Date(at(0).getTime() + 9 * DAY));
    const beforeEarlierOutcome = await funnels(tenantId, { conversionDays: 7 });
    await opportunityAt(tenantId, late, at(3));
    await opportunityAt(tenantId, late, at(-2));
    await optOutAt(tenantId, late, at(5));

    expect(beforeEarlierOutcome.total.converted).toEqual({ count: 1, rate: 0.5 });
    const metrics = await funnels(tenantId, { conversionDays: 7 });
    expect(metrics.total).toMatchObject({
      queued: 2,
      sent: 2,
      delivered: { count: 2, rate: 1 },
      converted: { count: 2, rate: 1 },
      optedOut: { count: 1, rate: 0.5 },
    });
    const rows = (await svc.db.query(
      `SELECT lead_id, first_conversion_at, first_opt_out_at FROM automation.sends WHERE tenant_id = $1`,
      [tenantId],
    )) as { lead_id: string; first_conversion_at: Date; first_opt_out_at: Date | null }[];
    const byLead = new Map(rows.map((row) => [row.lead_id, row]));
    expect(byLead.get(early)).toMatchObject({ first_conversion_at: at(2), first_opt_out_at: null });
    expect(byLead.get(late)).toMatchObject({ first_conversion_at: at(3), first_opt_out_at: at(5) });
  });

  it("does not lose an outcome recorded while another transaction is writing the send's sent_at", async () => {
    const tenantId = randomUUID();
    const leadId = randomUUID();
    const id = await insert(tenantId, { leadId, status: 'unknown', dueAt: at(-1) });
    // The webhook's transaction: sent_at written (its trigger finds no outcome yet), not committed.
    const webhook = svc.db.createQueryRunner();
    await webhook.connect();
    try {
      await webhook.startTransaction();
      await webhook.query(`UPDATE automation.sends SET status = 'sent', sent_at = $2 WHERE id = $1`, [
        id,
        at(0),
      ]);
      let recorded = false;
      const outcome = opportunityAt(tenantId, leadId, at(2)).then(() => (recorded = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(recorded).toBe(false); // it waits for the send's row instead of passing it by as unsent
      await webhook.commitTransaction();
      await outcome;
    } finally {
      if (webhook.isTransactionActive) await webhook.rollbackTransaction();
      await webhook.release();
    }
    const metrics = await funnels(tenantId);
    expect(metrics.total.converted).toEqual({ count: 1, rate: 1 });
  });

  it('gives the same answer as looking the outcomes up per send, whatever order sends and outcomes arrive in', async () => {
    const tenantId = randomUUID();
    const zone = 'America/Havana'; // midnight happens twice on 2026-11-01 (01:00 CDT back to 00:00 CST)
    const from = new Date('2026-10-26T00:00:00Z');
    const to = new Date('2026-11-06T00:00:00Z');
    const random = createPrng(20261101); // seeded, so a failure reproduces
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const between = (start: Date, days: number): Date =>
      new Date(start.getTime() + Math.floor(random() * days * DAY));
    const leads = Array.from({ length: 30 }, () => randomUUID());

    type Outcome = () => Promise<void>;
    const outcomes: Outcome[] = [];
    for (const leadId of leads) {
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        const when = between(new Date(from.getTime() - 2 * DAY), 22);
        const record = pick([opportunityAt, saleAt, optOutAt]);
        outcomes.push(() => record(tenantId, leadId, when));
      }
    }
    const third = Math.ceil(outcomes.length / 3);
    const settle: (() => Promise<unknown>)[] = [];

    for (const outcome of outcomes.slice(0, third)) await outcome();
    // The earliest instant of 1 November in Havana: counted on the 1st, not on 31 October.
    await insert(tenantId, { status: 'sent', sentAt: new Date('2026-11-01T04:30:00Z') });
    for (const leadId of leads) {
      // One send per rule and lead at most (a fixture's occurrence key is `<rule>:<lead>`).
      const rules =
        random() < 0.5 ? ['lead_followup', 'post_sale_feedback'] : ['post_sale_feedback', 'lead_followup'];
      for (const ruleKey of rules.slice(0, 1 + Math.floor(random() * 2))) {
        const template = pick(['seguimiento_lead', 'encuesta']);
        const sentAt = between(new Date(from.getTime() - DAY), 13);
        const status = pick<SendState>([
          'sent',
          'delivered',
          'read',
          'replied',
          'failed',
          'scheduled',
          'cancelled',
        ]);
        if (status === 'failed') {
          const failedAt = between(new Date(from.getTime() - DAY), 13);
          await insert(tenantId, {
            leadId,
            ruleKey,
            template,
            status,
            failedAt,
            sentAt: random() < 0.5 ? sentAt : null,
            reason: pick(['undeliverable', 'meta_rejected']),
          });
        } else if (status === 'scheduled' || status === 'cancelled') {
          await insert(tenantId, { leadId, ruleKey, template, status, dueAt: sentAt });
        } else if (random() < 0.5) {
          const later = (hours: number): Date => new Date(sentAt.getTime() + hours * 3_600_000);
          await insert(tenantId, {
            leadId,
            ruleKey,
            template,
            status,
            sentAt,
            deliveredAt: status === 'sent' ? null : later(0.1),
            readAt: status === 'read' || status === 'replied' ? later(0.5) : null,
            repliedAt: status === 'replied' ? later(30) : null,
          });
        } else {
          // Went out, but the service learns it (and when) only later, from a status webhook.
          const id = await insert(tenantId, { leadId, ruleKey, template, status: 'unknown', dueAt: sentAt });
          settle.push(() =>
            svc.app.get(SendStore).applyDeliveryUpdate(tenantId, id, status as 'sent', {
              at: sentAt,
              detail: status,
              wamid: randomWamid(),
            }),
          );
        }
      }
    }
    for (const outcome of outcomes.slice(third, 2 * third)) await outcome();
    for (const update of settle) await update();
    for (const outcome of outcomes.slice(2 * third)) await outcome();

    const results: Record<number, ReturnType<typeof view>> = {};
    for (const conversionDays of [1, 7, 30]) {
      const metrics = await svc.rpc.call(Rpc.automation.funnels, {
        tenantId,
        from: from.toISOString(),
        to: to.toISOString(),
        conversionDays,
        timezone: zone,
      });
      results[conversionDays] = view(metrics);
      expect(results[conversionDays]).toEqual(await oracle(tenantId, from, to, conversionDays, zone));
    }
    // The data exercises what it compares: conversions and opt-outs inside and outside the window, failures, and
    // the repeated midnight.
    expect(results[1].total[7]).toBeLessThan(results[30].total[7]);
    expect(results[30].total[6]).toBeGreaterThan(0);
    expect(results[7].total[5]).toBeGreaterThan(0);
    expect(results[7].daily['2026-11-01']?.[0]).toBeGreaterThan(0);
  });

  /**
   * A seeded history of one tenant between `start` and `start + 14 days`: sends inserted in every state (some on purpose
   * in the minutes after `edges[0]` and before `edges[1]`), then changed the ways the service and a person change
   * them, row by row and several rows per statement: sent → delivered → read late, failed, settled from `unknown`, a
   * conversion or an opt-out recorded later, template renamed, deleted.
   */
  async function seededHistory(
    tenantId: string,
    seed: number,
    start: Date,
    edges: [Date, Date],
  ): Promise<void> {
    const random = createPrng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const within = (from: Date, ms: number): Date => new Date(from.getTime() + Math.floor(random() * ms));
    const ids: string[] = [];
    const leads = new Map<string, string>();
    for (let n = 0; n < 90; n++) {
      const leadId = randomUUID();
      const ruleKey = pick(['lead_followup', 'post_sale_feedback']);
      const template = pick(['seguimiento_lead', 'encuesta']);
      const sentAt =
        n < 6
          ? new Date(edges[n % 2].getTime() + (n % 2 ? -1 : 1) * (1 + n) * 60_000)
          : within(start, 14 * DAY);
      const later = (ms: number): Date => within(sentAt, ms);
      const status = pick<SendState>([
        'sent',
        'delivered',
        'read',
        'replied',
        'failed',
        'scheduled',
        'unknown',
      ]);
      const fixture: Fixture =
        status === 'failed'
          ? { status, failedAt: sentAt, sentAt: random() < 0.5 ? sentAt : null, reason: pick(['a', 'b']) }
          : status === 'scheduled' || status === 'unknown'
            ? { status, dueAt: sentAt }
            : {
                status,
                sentAt,
                deliveredAt: status === 'sent' ? null : later(3_600_000),
                readAt: status === 'read' || status === 'replied' ? later(DAY) : null,
                repliedAt: status === 'replied' ? later(2 * DAY) : null,
              };
      const id = await insert(tenantId, { ...fixture, leadId, ruleKey, template });
      ids.push(id);
      leads.set(id, leadId);
      if (random() < 0.3) await opportunityAt(tenantId, leadId, later(20 * DAY));
    }
    const store = svc.app.get(SendStore);
    const rows = async (where: string, parameters: unknown[]) =>
      (await svc.db.query(`SELECT id, sent_at FROM automation.sends WHERE ${where}`, parameters)) as {
        id: string;
        sent_at: Date | null;
      }[];
    for (let step = 0; step < 60; step++) {
      const id = pick(ids);
      const [row] = await rows('id = $1', [id]);
      if (!row) continue;
      const from = row.sent_at ?? start;
      switch (pick(['deliver', 'read', 'fail', 'settle', 'convert', 'optOut', 'rename', 'delete'])) {
        case 'deliver':
        case 'read':
          await svc.db.query(
            `UPDATE automation.sends SET status = 'read', delivered_at = coalesce(delivered_at, $2), read_at = $3,
                    updated_at = now()
              WHERE id = $1 AND status IN ('sent', 'delivered')`,
            [id, within(from, 3_600_000), within(from, 3 * DAY)],
          );
          break;
        case 'fail':
          await svc.db.query(
            `UPDATE automation.sends SET status = 'failed', failed_at = $2, error = '{"reason": "late"}', updated_at = now()
              WHERE id = $1 AND status IN ('scheduled', 'sent')`,
            [id, within(from, DAY)],
          );
          break;
        case 'settle':
          await store.applyDeliveryUpdate(tenantId, id, 'delivered', {
            at: within(start, 14 * DAY),
            detail: 'delivered',
            wamid: randomWamid(),
          });
          break;
        case 'convert':
          await saleAt(tenantId, leads.get(id)!, within(from, 40 * DAY));
          break;
        case 'optOut':
          await optOutAt(tenantId, leads.get(id)!, within(from, 10 * DAY));
          break;
        case 'rename':
          await svc.db.query(`UPDATE automation.sends SET template_name = 'renombrada' WHERE id = $1`, [id]);
          break;
        default:
          await svc.db.query(`DELETE FROM automation.sends WHERE id = $1`, [id]);
      }
    }
    // Several rows per statement: a batch of reads, a bulk cancel and a bulk delete.
    await svc.db.query(
      `UPDATE automation.sends SET status = 'read', read_at = sent_at + interval '5 hours'
        WHERE tenant_id = $1 AND status = 'delivered'`,
      [tenantId],
    );
    await svc.db.query(
      `UPDATE automation.sends SET status = 'cancelled' WHERE tenant_id = $1 AND status = 'scheduled'`,
      [tenantId],
    );
    await svc.db.query(
      `DELETE FROM automation.sends WHERE id IN (SELECT id FROM automation.sends WHERE tenant_id = $1 AND status = 'sent' ORDER BY id LIMIT 3)`,
      [tenantId],
    );
  }

  it('gives the oracle answer after updates and deletes, for quarter-hour zones, a skipped midnight and any bounds', async () => {
    const tenantId = randomUUID();
    const start = new Date('2026-08-30T00:00:00Z');
    // Bounds in the middle of a quarter hour, and America/Santiago skips 6 September 2026's midnight (00:00 → 01:00).
    const from = new Date('2026-08-31T03:07:13.500Z');
    const to = new Date('2026-09-10T17:52:01.250Z');
    await seededHistory(tenantId, 20260906, start, [from, to]);
    const cases: [string, Date, Date][] = [
      ['Asia/Kathmandu', from, to],
      ['Asia/Kolkata', from, to],
      ['America/Santiago', from, to],
      // Local-day bounds, as the frontend sends them: whole quarter hours in UTC.
      ['Asia/Kathmandu', new Date('2026-08-31T18:15:00Z'), new Date('2026-09-09T18:15:00Z')],
      ['America/Santiago', new Date('2026-09-01T04:00:00Z'), new Date('2026-09-09T03:00:00Z')],
      // Under a day, and under an hour: read from the sends only.
      ['UTC', new Date('2026-09-02T10:20:00Z'), new Date('2026-09-03T09:40:00Z')],
      ['UTC', new Date('2026-09-02T10:20:00Z'), new Date('2026-09-02T10:50:00Z')],
    ];
    let compared = 0;
    for (const [zone, caseFrom, caseTo] of cases) {
      for (const conversionDays of [1, 7, 30]) {
        const metrics = await svc.rpc.call(Rpc.automation.funnels, {
          tenantId,
          from: caseFrom.toISOString(),
          to: caseTo.toISOString(),
          conversionDays,
          timezone: zone,
        });
        const expected = await oracle(tenantId, caseFrom, caseTo, conversionDays, zone);
        expect({ zone, conversionDays, ...view(metrics) }).toEqual({ zone, conversionDays, ...expected });
        compared += expected.total[0];
      }
    }
    expect(compared).toBeGreaterThan(0);
    const wide = view(
      await svc.rpc.call(Rpc.automation.funnels, {
        tenantId,
        from: from.toISOString(),
        to: to.toISOString(),
        conversionDays: 30,
        timezone: 'America/Santiago',
      }),
    );
    // The data exercises what it compares: failures, conversions, opt-outs, each transition, the skipped midnight.
    expect(wide.total[5]).toBeGreaterThan(0);
    expect(wide.total[6]).toBeGreaterThan(0);
    expect(wide.total[7]).toBeGreaterThan(0);
    expect(wide.byTemplate.renombrada).toBeDefined();
    expect(wide.daily['2026-09-06']).toBeDefined();
  });

  it('reads a period whose local days do not start on quarter hours from the sends (Africa/Monrovia, -0:44:30 in 1971)', async () => {
    const tenantId = randomUUID();
    const zone = 'Africa/Monrovia';
    // Midnight of 3 March 1971 there is 00:44:30 UTC: the UTC quarter 00:30–00:45 holds the end of 2 March and the
    // start of 3 March.
    await insert(tenantId, { status: 'sent', sentAt: new Date('1971-03-03T00:40:00Z') });
    await insert(tenantId, { status: 'sent', sentAt: new Date('1971-03-03T00:44:50Z') });
    const from = new Date('1971-03-01T00:44:30Z');
    const to = new Date('1971-03-06T00:44:30Z');
    const metrics = await svc.rpc.call(Rpc.automation.funnels, {
      tenantId,
      from: from.toISOString(),
      to: to.toISOString(),
      timezone: zone,
    });
    expect(view(metrics)).toEqual(await oracle(tenantId, from, to, 7, zone));
    expect(view(metrics).daily).toEqual({ '1971-03-02': [1, 0, 0, 0, 0], '1971-03-03': [1, 0, 0, 0, 0] });
  });

  it('keeps send_counts and send_event_counts equal to a recount of automation.sends through inserts, updates and deletes', async () => {
    const tenantId = randomUUID();
    const start = new Date('2026-05-01T00:00:00Z');
    await seededHistory(tenantId, 7, start, [
      new Date('2026-05-03T10:00:00Z'),
      new Date('2026-05-09T10:00:00Z'),
    ]);
    // The same buckets, recounted from the sends as they are now (migration 1768900000311's definition).
    const days = (column: string) =>
      `(CASE WHEN ${column} > sent_at THEN least(ceil(extract(epoch FROM ${column} - sent_at) / 86400), 91)
             WHEN ${column} <= sent_at THEN 0 END)`;
    const recount = (await svc.db.query(
      `SELECT p.hours, date_bin(p.hours * interval '1 hour', period_at, timestamptz '2000-01-01Z') AS start, rule_key,
              template_name, status, CASE WHEN status = 'failed' THEN coalesce(error->>'reason', error->>'code', 'unknown') END AS reason,
              delivered_at IS NOT NULL AS delivered, read_at IS NOT NULL AS read, replied_at IS NOT NULL AS replied,
              ${days('first_conversion_at')}::int AS converted, ${days('first_opt_out_at')}::int AS opted_out, count(*)::int AS n
         FROM automation.sends, (VALUES (1), (24)) p (hours)
        WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`,
      [tenantId],
    )) as unknown[];
    const kept = (await svc.db.query(
      `SELECT period_hours AS hours, period_start AS start, rule_key, template_name, status, reason, delivered, read,
              replied, converted_days AS converted, opted_out_days AS opted_out, sends::int AS n
         FROM automation.send_counts WHERE tenant_id = $1 AND sends <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`,
      [tenantId],
    )) as unknown[];
    expect(kept).toEqual(recount);
    expect(recount.length).toBeGreaterThan(50);

    const sent = `status IN ('sent', 'delivered', 'read', 'replied')`;
    const transitions = (await svc.db.query(
      `SELECT p.hours, date_bin(p.hours * interval '1 hour', period_at, timestamptz '2000-01-01Z') AS start, rule_key,
              kind, date_bin('15 minutes', at, timestamptz '2000-01-01Z') AS quarter, count(*)::int AS n
         FROM automation.sends, (VALUES (1), (24)) p (hours),
              LATERAL (VALUES ('sent', CASE WHEN ${sent} THEN sent_at END),
                              ('delivered', CASE WHEN ${sent} THEN delivered_at END),
                              ('read', CASE WHEN ${sent} THEN read_at END),
                              ('replied', CASE WHEN ${sent} THEN replied_at END),
                              ('failed', CASE WHEN status = 'failed' THEN coalesce(failed_at, updated_at) END)) e (kind, at)
        WHERE tenant_id = $1 AND at IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      [tenantId],
    )) as unknown[];
    const keptTransitions = (await svc.db.query(
      `SELECT period_hours AS hours, period_start AS start, rule_key, kind,
              at_hour + q.minute * interval '1 minute' AS quarter, q.n::int AS n
         FROM automation.send_event_counts,
              LATERAL (VALUES ('sent', 0, sent_00), ('sent', 15, sent_15), ('sent', 30, sent_30), ('sent', 45, sent_45),
                              ('delivered', 0, delivered_00), ('delivered', 15, delivered_15),
                              ('delivered', 30, delivered_30), ('delivered', 45, delivered_45),
                              ('read', 0, read_00), ('read', 15, read_15), ('read', 30, read_30), ('read', 45, read_45),
                              ('replied', 0, replied_00), ('replied', 15, replied_15), ('replied', 30, replied_30),
                              ('replied', 45, replied_45), ('failed', 0, failed_00), ('failed', 15, failed_15),
                              ('failed', 30, failed_30), ('failed', 45, failed_45)) q (kind, minute, n)
        WHERE tenant_id = $1 AND q.n <> 0 ORDER BY 1, 2, 3, 4, 5`,
      [tenantId],
    )) as unknown[];
    expect(keptTransitions).toEqual(transitions);
    expect(transitions.length).toBeGreaterThan(100);

    // Deleting the tenant's sends empties its counts.
    await svc.db.query(`DELETE FROM automation.sends WHERE tenant_id = $1`, [tenantId]);
    const left = (await svc.db.query(
      `SELECT (SELECT count(*)::int FROM automation.send_counts WHERE tenant_id = $1 AND sends <> 0) AS counts,
              (SELECT count(*)::int FROM automation.send_event_counts
                WHERE tenant_id = $1 AND (sent_00, sent_15, sent_30, sent_45, delivered_00, delivered_15, delivered_30,
                      delivered_45, read_00, read_15, read_30, read_45, replied_00, replied_15, replied_30, replied_45,
                      failed_00, failed_15, failed_30, failed_45) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                AS transitions`,
      [tenantId],
    )) as { counts: number; transitions: number }[];
    expect(left).toEqual([{ counts: 0, transitions: 0 }]);
  });

  /** queued, sent, delivered, read, replied, failed, opted out, converted. */
  type Counts = [number, number, number, number, number, number, number, number];

  function view(metrics: AutomationMetricsV2) {
    const counts = (funnel: AutomationFunnel): Counts => [
      funnel.queued,
      funnel.sent,
      funnel.delivered.count,
      funnel.read.count,
      funnel.replied.count,
      funnel.failed.count,
      funnel.optedOut.count,
      funnel.converted.count,
    ];
    return {
      total: counts(metrics.total),
      byRule: Object.fromEntries(metrics.byRule.map((funnel) => [funnel.key, counts(funnel)])),
      byTemplate: Object.fromEntries(metrics.byTemplate.map((funnel) => [funnel.key, counts(funnel)])),
      reasons: Object.fromEntries(
        metrics.byRule.map((funnel) => [
          funnel.key,
          Object.fromEntries(funnel.failedByReason.map((entry) => [entry.reason, entry.count])),
        ]),
      ),
      daily: Object.fromEntries(
        metrics.daily
          .filter((point) => point.sent + point.delivered + point.read + point.replied + point.failed > 0)
          .map((point) => [
            point.day,
            [point.sent, point.delivered, point.read, point.replied, point.failed],
          ]),
      ),
    };
  }

  /** The same answer from the formulation before migration 1768900000310: an EXISTS lookup per sent row. */
  async function oracle(tenantId: string, from: Date, to: Date, conversionDays: number, zone: string) {
    const sql = `
      WITH s AS (
        SELECT s.*, s.status IN ('sent', 'delivered', 'read', 'replied') AS is_sent
        FROM automation.sends s
        WHERE s.tenant_id = $1
          AND coalesce(s.sent_at, s.failed_at, s.due_at) >= $2 AND coalesce(s.sent_at, s.failed_at, s.due_at) < $3
      ), f AS (
        SELECT s.*,
          s.is_sent AND (s.status IN ('delivered', 'read', 'replied') OR s.delivered_at IS NOT NULL) AS is_delivered,
          s.is_sent AND (s.status IN ('read', 'replied') OR s.read_at IS NOT NULL) AS is_read,
          s.is_sent AND (s.status = 'replied' OR s.replied_at IS NOT NULL) AS is_replied,
          s.status = 'failed' AS is_failed,
          s.is_sent AND EXISTS (
            SELECT 1 FROM automation.lead_outcomes o
            WHERE o.tenant_id = s.tenant_id AND o.lead_id = s.lead_id AND o.kind IN ('opportunity', 'sale')
              AND o.at > s.sent_at AND o.at <= s.sent_at + make_interval(days => $4)
          ) AS is_converted,
          s.is_sent AND EXISTS (
            SELECT 1 FROM automation.lead_outcomes o
            WHERE o.tenant_id = s.tenant_id AND o.lead_id = s.lead_id AND o.kind = 'opted_out'
              AND o.at > s.sent_at AND o.at <= s.sent_at + make_interval(days => $4)
          ) AS is_opted_out
        FROM s
      )
      SELECT
        (SELECT json_agg(g) FROM (
           SELECT rule_key, template_name, count(*) AS queued,
             count(*) FILTER (WHERE is_sent) AS sent, count(*) FILTER (WHERE is_delivered) AS delivered,
             count(*) FILTER (WHERE is_read) AS read, count(*) FILTER (WHERE is_replied) AS replied,
             count(*) FILTER (WHERE is_failed) AS failed, count(*) FILTER (WHERE is_opted_out) AS opted_out,
             count(*) FILTER (WHERE is_converted) AS converted
           FROM f GROUP BY rule_key, template_name) g) AS groups,
        (SELECT json_agg(r) FROM (
           SELECT rule_key, coalesce(error->>'reason', error->>'code', 'unknown') AS reason, count(*) AS count
           FROM f WHERE is_failed GROUP BY 1, 2) r) AS reasons,
        (SELECT json_agg(d) FROM (
           SELECT to_char(at AT TIME ZONE $5, 'YYYY-MM-DD') AS day, kind, count(*) AS count FROM (
             SELECT sent_at AS at, 0 AS kind FROM f WHERE is_sent AND sent_at IS NOT NULL
             UNION ALL SELECT delivered_at, 1 FROM f WHERE is_delivered AND delivered_at IS NOT NULL
             UNION ALL SELECT read_at, 2 FROM f WHERE is_read AND read_at IS NOT NULL
             UNION ALL SELECT replied_at, 3 FROM f WHERE is_replied AND replied_at IS NOT NULL
             UNION ALL SELECT coalesce(failed_at, updated_at), 4 FROM f WHERE is_failed
           ) events GROUP BY 1, 2) d) AS daily`;
    type Group = { rule_key: string; template_name: string } & Record<
      'queued' | 'sent' | 'delivered' | 'read' | 'replied' | 'failed' | 'opted_out' | 'converted',
      number
    >;
    const [row] = (await svc.db.query(sql, [tenantId, from, to, conversionDays, zone])) as {
      groups: Group[] | null;
      reasons: { rule_key: string; reason: string; count: number }[] | null;
      daily: { day: string; kind: number; count: number }[] | null;
    }[];
    const add = (into: Record<string, Counts>, key: string, group: Group): void => {
      const sum = (into[key] ??= [0, 0, 0, 0, 0, 0, 0, 0]);
      const values = [
        group.queued,
        group.sent,
        group.delivered,
        group.read,
        group.replied,
        group.failed,
        group.opted_out,
        group.converted,
      ];
      values.forEach((value, index) => (sum[index] += value));
    };
    const totals: Record<string, Counts> = {};
    const byRule: Record<string, Counts> = {};
    const byTemplate: Record<string, Counts> = {};
    for (const group of row.groups ?? []) {
      add(totals, 'total', group);
      add(byRule, group.rule_key, group);
      add(byTemplate, group.template_name, group);
    }
    const reasons: Record<string, Record<string, number>> = Object.fromEntries(
      Object.keys(byRule).map((key) => [key, {}]),
    );
    for (const entry of row.reasons ?? []) reasons[entry.rule_key][entry.reason] = entry.count;
    const first = DateTime.fromJSDate(from, { zone }).toISODate()!;
    const last = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).toISODate()!;
    const daily: Record<string, number[]> = {};
    for (const entry of row.daily ?? []) {
      if (entry.day < first || entry.day > last) continue;
      (daily[entry.day] ??= [0, 0, 0, 0, 0])[entry.kind] += entry.count;
    }
    return { total: totals.total ?? [0, 0, 0, 0, 0, 0, 0, 0], byRule, byTemplate, reasons, daily };
  }
});
