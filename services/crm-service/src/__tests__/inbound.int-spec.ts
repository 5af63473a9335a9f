import { randomUUID } from 'node:crypto';
import {
  Events,
  Rpc,
  type EventPayload,
  type EventSubject,
  type LeadAttributedEvent,
  type LeadCreatedEvent,
  type LeadView,
  type LeadgenReceivedEvent,
  type WhatsappInboundEvent,
} from '@crm/contracts';
import { rpcError, waitFor, waitForConsumerIdle } from '@crm/testing';
import { DURABLES } from '../inbound/inbound.consumers';
import {
  collectEvents,
  createTestTenant,
  sleep,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

describe('crm-service: Meta inbound events (JetStream consumers)', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let created: LeadCreatedEvent[];
  let attributed: LeadAttributedEvent[];

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Inbound');
    created = await collectEvents(crm.jetstream, Events.leadCreated, tenant.tenantId);
    attributed = await collectEvents(crm.jetstream, Events.leadAttributed, tenant.tenantId);
  });

  afterAll(async () => {
    await crm.close();
  });

  function inbound(fields: Partial<WhatsappInboundEvent> & { from: string }): WhatsappInboundEvent {
    return {
      tenantId: tenant.tenantId,
      wamid: `wamid.${randomUUID()}`,
      phoneNumberId: '106540352242922',
      timestamp: new Date().toISOString(),
      ...fields,
    };
  }

  /** What meta-ads-service does: publish on JetStream with a message id. */
  async function publish<S extends EventSubject>(
    subject: S,
    event: EventPayload<S>,
    messageId: string = randomUUID(),
  ): Promise<void> {
    const ack = await crm.jetstream.publish(subject, event, messageId);
    expect(ack.duplicate).toBe(false);
  }

  async function leadsByPhone(phone: string): Promise<LeadView[]> {
    const page = await crm.rpc.call(Rpc.crm.listLeads, {
      tenantId: tenant.tenantId,
      search: phone,
    });
    return page.items.filter((l) => l.phone === phone);
  }

  async function rowByPhone(phone: string) {
    const rows: { meta_leadgen_id: string | null; email: string | null; opted_out: boolean }[] =
      await crm.db.query(
        `SELECT meta_leadgen_id, email, opted_out FROM crm.leads WHERE tenant_id = $1 AND phone = $2`,
        [tenant.tenantId, phone],
      );
    return rows;
  }

  it('creates a META_ADS lead from a Click-to-WhatsApp message, once even when published twice', async () => {
    const phone = '+5215570001000';
    const event = inbound({
      from: phone,
      contactName: 'Lucía Méndez',
      text: 'Hola, me interesa el departamento',
      referral: {
        sourceId: '120210000000000001',
        sourceType: 'ad',
        sourceUrl: 'https://fb.me/abc',
        ctwaClid: 'ARAkxyz-ctwa-clid',
        headline: 'Departamentos en Polanco',
      },
      attribution: {
        adId: '120210000000000001',
        adsetId: '120210000000000101',
        campaignId: '120210000000001001',
      },
    });
    await publish(Events.whatsappInbound, event, `wa-in:${event.wamid}`);
    await publish(Events.whatsappInbound, event, `wa-in:${event.wamid}:again`);
    await waitFor(async () => (await leadsByPhone(phone)).length === 1, { what: 'CTWA lead' });
    await waitForConsumerIdle(DURABLES.whatsappInbound);

    const leads = await leadsByPhone(phone);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      name: 'Lucía Méndez',
      status: 'nuevo',
      leadSource: 'META_ADS',
      metaAdId: '120210000000000001',
      metaAdsetId: '120210000000000101',
      metaCampaignId: '120210000000001001',
      ctwaClid: 'ARAkxyz-ctwa-clid',
      optedOut: false,
      // New inbound leads go to the setters' rotation (the tenant's only active setter here).
      assignedUserId: tenant.users.setter.id,
    });
    await waitFor(() => created.some((e) => e.leadId === leads[0].id), { what: 'lead.created' });
    await sleep(600);
    expect(created.filter((e) => e.phone === phone)).toEqual([
      expect.objectContaining({
        leadId: leads[0].id,
        leadSource: 'META_ADS',
        metaAdId: '120210000000000001',
      }),
    ]);
  });

  it('attaches CTWA attribution to an existing lead that has none, announces it once, and never overwrites it', async () => {
    const phone = '+5215570002000';
    const existing = await crm.rpc.call(Rpc.crm.createLead, {
      tenantId: tenant.tenantId,
      name: 'Mario Ya Existía',
      phone,
      leadSource: 'REFERRAL',
    });
    const opportunity = await crm.rpc.call(Rpc.crm.createOpportunity, {
      tenantId: tenant.tenantId,
      actorUserId: tenant.users.ceo.id,
      actorRole: 'ceo',
      leadId: existing.id,
      title: 'Antes del anuncio',
      value: 500,
      currency: 'MXN',
    });
    const first = inbound({
      from: phone,
      contactName: 'Otro nombre',
      referral: { sourceId: '777', sourceType: 'ad', ctwaClid: 'clid-1' },
      attribution: { adId: '777', adsetId: '7770', campaignId: '77700' },
    });
    const second = inbound({
      from: phone,
      referral: { sourceId: '888', sourceType: 'ad', ctwaClid: 'clid-2' },
      attribution: { adId: '888', adsetId: '8880', campaignId: '88800' },
    });
    await publish(Events.whatsappInbound, first);
    await publish(Events.whatsappInbound, second);
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const leads = await leadsByPhone(phone);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      id: existing.id,
      name: 'Mario Ya Existía',
      leadSource: 'META_ADS',
      metaAdId: '777',
      metaAdsetId: '7770',
      metaCampaignId: '77700',
      ctwaClid: 'clid-1',
    });
    // One lead.attributed (the second message changed nothing), versioned by the row and carrying the opportunity.
    await waitFor(() => attributed.some((e) => e.leadId === existing.id), { what: 'lead.attributed' });
    await sleep(300);
    const mine = attributed.filter((e) => e.leadId === existing.id);
    expect(mine).toEqual([
      {
        tenantId: tenant.tenantId,
        leadId: existing.id,
        channel: 'whatsapp_ad',
        metaAdId: '777',
        metaAdsetId: '7770',
        metaCampaignId: '77700',
        createdAt: existing.createdAt,
        updatedAt: leads[0].updatedAt,
        opportunities: [
          expect.objectContaining({ opportunityId: opportunity.id, status: 'pending', closedAt: null }),
        ],
        sales: [],
      },
    ]);
    expect(new Date(mine[0].updatedAt).getTime()).toBeGreaterThan(new Date(existing.createdAt).getTime());
  });

  it('creates a WHATSAPP lead for an unknown number without referral, and nothing for a known one', async () => {
    const phone = '+5215570003000';
    const event = inbound({ from: phone, text: 'Buenas tardes' });
    await publish(Events.whatsappInbound, event);
    await publish(Events.whatsappInbound, inbound({ from: phone, text: 'Sigo aquí' }));
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const leads = await leadsByPhone(phone);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ name: phone, leadSource: 'WHATSAPP', metaAdId: null, ctwaClid: null });
    await waitFor(() => created.some((e) => e.leadId === leads[0].id), { what: 'lead.created' });
  });

  it('opts a lead out on STOP / BAJA / CANCELAR, and only then', async () => {
    const phone = '+5215570004000';
    await publish(Events.whatsappInbound, inbound({ from: phone, text: 'Quiero información' }));
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    expect((await leadsByPhone(phone))[0].optedOut).toBe(false);
    await publish(Events.whatsappInbound, inbound({ from: phone, text: '  baja. ' }));
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const [lead] = await leadsByPhone(phone);
    expect(lead.optedOut).toBe(true);

    const other = '+5215570004001';
    await publish(Events.whatsappInbound, inbound({ from: other, text: 'STOP' }));
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    expect((await leadsByPhone(other))[0].optedOut).toBe(true);
  });

  it('creates a Lead Ads lead from leadgen, once, with its attribution', async () => {
    const phone = '+5215570005000';
    const event: LeadgenReceivedEvent = {
      tenantId: tenant.tenantId,
      leadgenId: `lg-${randomUUID()}`,
      pageId: '1234567890',
      formId: '555',
      formName: 'Cotización Roma',
      attribution: {
        adId: '120210000000000002',
        adsetId: '120210000000000101',
        campaignId: '120210000000001001',
      },
      createdTime: new Date().toISOString(),
      fullName: 'Ricardo Ortiz',
      email: 'Ricardo@Example.com',
      phone,
    };
    await publish(Events.leadgenReceived, event, `leadgen:${event.leadgenId}`);
    await publish(Events.leadgenReceived, event, `leadgen:${event.leadgenId}:again`);
    await waitFor(async () => (await leadsByPhone(phone)).length === 1, { what: 'leadgen lead' });
    await waitForConsumerIdle(DURABLES.leadgen);
    const leads = await leadsByPhone(phone);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      name: 'Ricardo Ortiz',
      email: 'ricardo@example.com',
      leadSource: 'META_ADS',
      metaAdId: '120210000000000002',
      metaAdsetId: '120210000000000101',
      metaCampaignId: '120210000000001001',
      ctwaClid: null,
    });
    expect((await rowByPhone(phone))[0].meta_leadgen_id).toBe(event.leadgenId);
    const detail = await crm.rpc.call(Rpc.crm.getLead, { tenantId: tenant.tenantId, leadId: leads[0].id });
    expect(detail.origin).toMatchObject({
      channel: 'lead_form',
      formId: '555',
      formName: 'Cotización Roma',
      adId: '120210000000000002',
    });
    await waitFor(() => created.filter((e) => e.phone === phone).length === 1, { what: 'lead.created' });
    await sleep(600);
    expect(created.filter((e) => e.phone === phone)).toHaveLength(1);
  });

  it('attaches leadgen attribution to an existing unattributed lead and skips events with neither phone nor email', async () => {
    const phone = '+5215570006000';
    const existing = await crm.rpc.call(Rpc.crm.createLead, {
      tenantId: tenant.tenantId,
      name: 'Sandra Web',
      phone,
      leadSource: 'WEBSITE',
    });
    const leadgenId = `lg-${randomUUID()}`;
    await publish(Events.leadgenReceived, {
      tenantId: tenant.tenantId,
      leadgenId,
      pageId: '1234567890',
      attribution: { adId: '999', adsetId: '9990', campaignId: '99900' },
      createdTime: new Date().toISOString(),
      phone,
    });
    const withoutPhone = `lg-${randomUUID()}`;
    await publish(Events.leadgenReceived, {
      tenantId: tenant.tenantId,
      leadgenId: withoutPhone,
      pageId: '1234567890',
      createdTime: new Date().toISOString(),
      fullName: 'Sin Teléfono',
    });
    await waitForConsumerIdle(DURABLES.leadgen);
    const [lead] = await leadsByPhone(phone);
    expect(lead).toMatchObject({
      id: existing.id,
      name: 'Sandra Web',
      leadSource: 'META_ADS',
      metaAdId: '999',
    });
    expect((await rowByPhone(phone))[0].meta_leadgen_id).toBe(leadgenId);
    await waitFor(() => attributed.some((e) => e.leadId === existing.id), { what: 'lead.attributed' });
    expect(attributed.filter((e) => e.leadId === existing.id)).toEqual([
      expect.objectContaining({ channel: 'lead_form', metaAdId: '999', opportunities: [], sales: [] }),
    ]);
    const orphans: unknown[] = await crm.db.query(
      `SELECT 1 FROM crm.leads WHERE tenant_id = $1 AND (name = 'Sin Teléfono' OR meta_leadgen_id = $2)`,
      [tenant.tenantId, withoutPhone],
    );
    expect(orphans).toHaveLength(0);
  });

  async function leadsByEmail(email: string) {
    const rows: {
      id: string;
      phone: string | null;
      lead_source: string;
      meta_ad_id: string | null;
      meta_leadgen_id: string | null;
      created_at: Date;
    }[] = await crm.db.query(
      `SELECT id, phone, lead_source, meta_ad_id, meta_leadgen_id, created_at
         FROM crm.leads WHERE tenant_id = $1 AND email = $2`,
      [tenant.tenantId, email],
    );
    return rows;
  }

  const leadgenEvent = (fields: Partial<LeadgenReceivedEvent>): LeadgenReceivedEvent => ({
    tenantId: tenant.tenantId,
    leadgenId: `lg-${randomUUID()}`,
    pageId: '1234567890',
    formId: '556',
    createdTime: new Date().toISOString(),
    ...fields,
  });

  it('keeps an organic Lead Ads lead with an email and no phone, dated by Meta, and dedupes it by email', async () => {
    const email = `solo.correo.${randomUUID().slice(0, 8)}@example.com`;
    const metaTime = new Date(Date.now() - 3 * 86_400_000);
    metaTime.setMilliseconds(0);
    const first = leadgenEvent({
      fullName: 'Solo Correo',
      email: email.toUpperCase(),
      createdTime: metaTime.toISOString(),
    });
    await publish(Events.leadgenReceived, first, `leadgen:${first.leadgenId}`);
    await waitFor(async () => (await leadsByEmail(email)).length === 1, { what: 'email-only lead' });
    const [row] = await leadsByEmail(email);
    expect(row).toMatchObject({
      phone: null,
      lead_source: 'META_ADS',
      meta_ad_id: null,
      meta_leadgen_id: first.leadgenId,
    });
    expect(row.created_at.toISOString()).toBe(metaTime.toISOString());
    const view = await crm.rpc.call(Rpc.crm.getLead, { tenantId: tenant.tenantId, leadId: row.id });
    expect(view).toMatchObject({ name: 'Solo Correo', phone: null, email, leadSource: 'META_ADS' });
    const announced = await waitFor(() => created.find((e) => e.leadId === row.id), { what: 'lead.created' });
    expect(announced.phone).toBeUndefined();
    expect(announced.createdAt).toBe(metaTime.toISOString());
    // Found by the leads list's search too.
    const page = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, search: email });
    expect(page.items.map((lead) => lead.id)).toEqual([row.id]);

    // The same person answers another form (no phone again), then one with a phone: no second lead; the ad's
    // attribution goes to the lead that had none.
    const again = leadgenEvent({ fullName: 'Solo Correo', email });
    const withPhoneAndAd = leadgenEvent({
      fullName: 'Solo Correo',
      email,
      phone: '+5215570009100',
      attribution: { adId: '120210000000000777', adsetId: '120210000000000778', campaignId: '1202100000779' },
    });
    await publish(Events.leadgenReceived, again, `leadgen:${again.leadgenId}`);
    await publish(Events.leadgenReceived, withPhoneAndAd, `leadgen:${withPhoneAndAd.leadgenId}`);
    await waitForConsumerIdle(DURABLES.leadgen);
    const after = await leadsByEmail(email);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: row.id, meta_ad_id: '120210000000000777' });
    expect(await leadsByPhone('+5215570009100')).toEqual([]);
  });

  it("keeps the answers the form's mapping sends to notes and tags", async () => {
    const event = leadgenEvent({
      fullName: 'Con Respuestas',
      phone: '+5215570009500',
      notes: 'Ciudad: Querétaro\n¿Cuál es tu presupuesto?: 2 millones',
      tags: ['Contado', 'Casa'],
    });
    await publish(Events.leadgenReceived, event, `leadgen:${event.leadgenId}`);
    const [lead] = await waitFor(
      async () => {
        const found = await leadsByPhone('+5215570009500');
        return found.length === 1 ? found : undefined;
      },
      { what: 'lead with answers' },
    );
    expect(lead).toMatchObject({
      notes: 'Ciudad: Querétaro\n¿Cuál es tu presupuesto?: 2 millones',
      tags: ['Contado', 'Casa'],
    });
  });

  it('two answers with one email published at once make one lead', async () => {
    const email = `a.la.vez.${randomUUID().slice(0, 8)}@example.com`;
    const events = [0, 1, 2].map(() => leadgenEvent({ fullName: 'A La Vez', email }));
    await Promise.all(events.map((e) => publish(Events.leadgenReceived, e, `leadgen:${e.leadgenId}`)));
    await waitFor(async () => (await leadsByEmail(email)).length === 1, { what: 'lead' });
    await waitForConsumerIdle(DURABLES.leadgen);
    expect(await leadsByEmail(email)).toHaveLength(1);
  });

  it("a lead with a phone is dated by Meta's created_time, never in the future", async () => {
    const past = leadgenEvent({
      fullName: 'Fecha Meta',
      phone: '+5215570009200',
      createdTime: '2026-01-02T03:04:05.000Z',
    });
    const future = leadgenEvent({
      fullName: 'Reloj Adelantado',
      phone: '+5215570009300',
      createdTime: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const before = Date.now();
    await publish(Events.leadgenReceived, past, `leadgen:${past.leadgenId}`);
    await publish(Events.leadgenReceived, future, `leadgen:${future.leadgenId}`);
    await waitFor(async () => (await leadsByPhone('+5215570009300')).length === 1, { what: 'leads' });
    const [dated] = await leadsByPhone('+5215570009200');
    expect(dated.createdAt).toBe('2026-01-02T03:04:05.000Z');
    const [clamped] = await leadsByPhone('+5215570009300');
    expect(new Date(clamped.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(clamped.createdAt).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('an email-only lead keeps its email: clearing it is refused until it has a phone', async () => {
    const email = `sin.tel.${randomUUID().slice(0, 8)}@example.com`;
    const event = leadgenEvent({ fullName: 'Sin Tel', email });
    await publish(Events.leadgenReceived, event, `leadgen:${event.leadgenId}`);
    const [row] = await waitFor(
      async () => {
        const rows = await leadsByEmail(email);
        return rows.length === 1 ? rows : undefined;
      },
      { what: 'lead' },
    );
    const refused = await rpcError(
      crm.rpc.call(Rpc.crm.updateLead, { tenantId: tenant.tenantId, leadId: row.id, email: null }),
    );
    expect(refused).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/without a phone/) });
    const updated = await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: row.id,
      phone: '+5215570009400',
    });
    expect(updated.phone).toBe('+5215570009400');
    const cleared = await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: row.id,
      email: null,
    });
    expect(cleared.email).toBeNull();
  });

  it('ignores events of unknown tenants without creating anything', async () => {
    const ghost = randomUUID();
    await publish(Events.whatsappInbound, { ...inbound({ from: '+5215570007000' }), tenantId: ghost });
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const rows: unknown[] = await crm.db.query(`SELECT 1 FROM crm.leads WHERE tenant_id = $1`, [ghost]);
    expect(rows).toHaveLength(0);
  });

  it('parks an event PostgreSQL refuses (a NUL in the contact name) instead of redelivering it forever', async () => {
    const phone = '+5215570009999';
    const event = inbound({ from: phone, contactName: 'Ana\u0000María', text: 'hola' });
    const { seq } = await crm.jetstream.publish(Events.whatsappInbound, event, randomUUID());
    await waitFor(
      async () => {
        const rows: { error_code: string; reason: string; attempts: number; subject: string }[] =
          await crm.db.query(
            `SELECT error_code, reason, attempts, subject FROM crm.dead_letters
              WHERE consumer = $1 AND stream_sequence = $2`,
            [DURABLES.whatsappInbound, seq],
          );
        return rows.length === 1 ? rows[0] : undefined;
      },
      { what: 'the NUL event to be parked' },
    ).then((row) =>
      expect(row).toEqual({
        error_code: 'PG_22021',
        reason: 'permanent',
        attempts: 1,
        subject: Events.whatsappInbound,
      }),
    );
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    expect(await rowByPhone(phone)).toEqual([]);
  });
});
