import { randomUUID } from 'node:crypto';
import { Events, Rpc, type AutomationFunnel, type SendState } from '@crm/contracts';
import { waitFor } from '@crm/testing';
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
      svc.jetstream.publish(Events.opportunityCreated, {
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
    await opportunity(inWindow, new Date(at(0).getTime() + 2 * DAY));
    await opportunity(late, new Date(at(0).getTime() + 9 * DAY));
    await opportunity(before, at(-1));
    await opportunity(failedLead, at(1));
    await svc.jetstream.publish(Events.saleCompleted, {
      tenantId,
      saleId: randomUUID(),
      leadId: sale,
      opportunityId: null,
      amount: 500,
      currency: 'MXN',
      completedAt: at(5).toISOString(),
    });
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
});
