import { randomUUID } from 'node:crypto';
import {
  Events,
  Rpc,
  type LeadView,
  type LeadStatusChangedEvent,
  type SaleCompletedEvent,
  type SessionUser,
} from '@crm/contracts';
import {
  connectTenantToSandbox,
  freePort,
  startServiceProcess,
  waitFor,
  waitForConsumerIdle,
  type ServiceHandle,
} from '@crm/testing';
import { CONVERSION_CONSUMERS } from '../conversions/conversions.service';
import { APP_SECRET, BREAKER_RESET_MS, startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

// The outage test waits up to 30 s for a failed try and 60 s for the recovery, the Purchase test up to 30 s and an idle
// consumer: past the default. (The beforeAll, starting two service processes, has its own 240 s.)
jest.setTimeout(240_000);

type Recorded = {
  datasetId: string;
  eventName: string;
  eventId: string | null;
  actionSource: string;
  messagingChannel: string | null;
  userData: Record<string, unknown>;
  customData: Record<string, unknown> | null;
  duplicate: boolean;
};

/**
 * The Conversions API loop with real processes: crm-service (a process) emits the pipeline events, two
 * meta-ads-service replicas (this one in-process, a second as a process) consume them and send to the sandbox's
 * dataset; leads arrive through the inbound WhatsApp path (a CTWA referral with its ctwa_clid) and Lead Ads.
 */
describe('meta-ads-service: Conversions API loop', () => {
  let meta: MetaAdsTestApp;
  let crm: ServiceHandle;
  let replica: ServiceHandle;
  let ceo: SessionUser;
  let datasetId: string;
  let statusEvents: LeadStatusChangedEvent[];

  const tenantId = () => ceo.tenantId;
  const actor = () => ({ tenantId: tenantId(), actorUserId: ceo.userId, actorRole: 'ceo' as const });
  const conversions = async (): Promise<Recorded[]> =>
    (await meta.control<{ data: Recorded[] }>(`/conversions?datasetId=${datasetId}`)).data;
  const eventsFor = async (leadId: string) =>
    (await conversions()).filter((e) => e.eventId?.includes(`:${leadId}:`));

  async function leadByPhone(phone: string): Promise<LeadView> {
    return waitFor(
      async () => {
        const page = await meta.rpc.call(Rpc.crm.listLeads, { tenantId: tenantId(), search: phone });
        return page.items.find((lead) => lead.phone === phone);
      },
      { what: `lead ${phone}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** A contact writes from a Click-to-WhatsApp ad: the sandbox's webhook goes through meta-ads-service to the CRM. */
  async function ctwaLead(): Promise<LeadView> {
    const waId = `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const sent = await meta.control<{ wamid: string }>('/ctwa', {
      from: waId,
      name: 'Rosa Anuncio',
      adId: meta.ids.ctwaAdIds[0],
      text: 'Hola, vi su anuncio',
    });
    const hooks = await meta.control<{ data: { payload: unknown; meta: Record<string, string> }[] }>(
      '/webhooks?kind=message',
    );
    const hook = hooks.data.find((h) => JSON.stringify(h.payload).includes(sent.wamid));
    await meta.publishWebhook(hook!.payload);
    return leadByPhone(`+${waId}`);
  }

  async function wonWithSale(leadId: string, amount: number) {
    const opportunity = await meta.rpc.call(Rpc.crm.createOpportunity, {
      ...actor(),
      leadId,
      title: 'Departamento Roma Norte',
      value: amount,
      currency: 'MXN',
    });
    await meta.rpc.call(Rpc.crm.updateOpportunity, {
      ...actor(),
      opportunityId: opportunity.id,
      status: 'won',
    });
    return meta.rpc.call(Rpc.crm.createSale, {
      ...actor(),
      leadId,
      opportunityId: opportunity.id,
      amount,
      currency: 'MXN',
    });
  }

  /** crm-service publishes through its outbox: wait until the event is on the stream and our consumer is done. */
  async function statusSettled(leadId: string): Promise<void> {
    await waitFor(async () => statusEvents.some((e) => e.leadId === leadId), {
      what: `status-changed of ${leadId}`,
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    await waitForConsumerIdle(CONVERSION_CONSUMERS.leadStatus);
  }

  const logEntryOf = async (leadId: string) =>
    (await meta.rpc.call(Rpc.meta.conversionLog, { tenantId: tenantId(), pageSize: 100 })).items.find(
      (entry) => entry.leadId === leadId,
    );

  const qualify = (leadId: string) =>
    meta.rpc.call(Rpc.crm.updateLeadStatus, { tenantId: tenantId(), leadId, status: 'calificado' });

  const configure = (settings: Record<string, unknown>) =>
    meta.rpc.call(Rpc.meta.updateConversionSettings, { tenantId: tenantId(), ...settings });

  beforeAll(async () => {
    meta = await startMetaAdsTestApp();
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      LOG_LEVEL: 'warn',
    };
    const slowStart = { timeoutMs: 120_000 };
    [crm, replica] = await Promise.all([
      startServiceProcess('crm-service', { ...common, HTTP_PORT: String(await freePort()) }, slowStart),
      startServiceProcess(
        'meta-ads-service',
        {
          ...common,
          HTTP_PORT: String(await freePort()),
          META_GRAPH_URL: meta.sandboxUrl,
          META_APP_ID: meta.ids.appId,
          META_APP_SECRET: APP_SECRET,
          TOKEN_ENCRYPTION_KEY: meta.encryptionKey.toString('base64'),
          // As the in-process replica: its breaker half-opens soon after the sandbox outage ends.
          META_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
        },
        slowStart,
      ),
    ]);
    ceo = await meta.rpc.call(Rpc.crm.signup, {
      companyName: 'Inmobiliaria Conversiones',
      name: 'Carla Ceo',
      email: `ceo-${randomUUID().slice(0, 8)}@capi.crmventas.test`,
      password: 'Conversiones-2026!',
    });
    // Lead Ads leads are routed by the chosen Page: the tenant chooses the sandbox's.
    await connectTenantToSandbox(meta.rpc, meta.sandboxUrl, tenantId(), meta.ids, {
      leadAdsPageId: meta.ids.pageId,
    });
    const datasets = await meta.rpc.call(Rpc.meta.conversionDatasets, { tenantId: tenantId() });
    datasetId = datasets[0].id;
    statusEvents = await meta.collect(Events.leadStatusChanged);
  }, 240_000);

  afterAll(async () => {
    await meta?.releaseAll();
    await replica?.stop();
    await crm?.stop();
    await meta?.close();
  });

  it('lists the business dataset and starts off', async () => {
    const datasets = await meta.control<{ data: { id: string; businessId: string }[] }>(
      '/conversions/datasets',
    );
    expect(datasets.data.find((d) => d.businessId === meta.ids.businessId)?.id).toBe(datasetId);
    expect(await meta.rpc.call(Rpc.meta.conversionSettings, { tenantId: tenantId() })).toMatchObject({
      enabled: false,
      datasetId: null,
      qualifiedEvent: 'QualifiedLead',
      wonEvent: 'Purchase',
    });
  });

  it('off, or a lead not from Meta: nothing is sent', async () => {
    const offLead = await ctwaLead();
    await meta.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantId(),
      leadId: offLead.id,
      status: 'calificado',
    });
    await statusSettled(offLead.id);
    await configure({ enabled: true, datasetId });
    const manual = await meta.rpc.call(Rpc.crm.createLead, {
      tenantId: tenantId(),
      name: 'Luis Sin Anuncio',
      phone: '+5215599887766',
      leadSource: 'MANUAL',
    });
    await meta.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantId(),
      leadId: manual.id,
      status: 'calificado',
    });
    await statusSettled(manual.id);
    expect(await eventsFor(offLead.id)).toEqual([]);
    expect(await eventsFor(manual.id)).toEqual([]);
    expect(await meta.rpc.call(Rpc.meta.conversionLog, { tenantId: tenantId() })).toEqual({
      items: [],
      total: 0,
      totalCapped: false,
      page: 1,
      pageSize: 25,
    });
  });

  it('a Click-to-WhatsApp lead moved to won with a sale sends one Purchase, even when the event is redelivered', async () => {
    await configure({ enabled: true, datasetId });
    const lead = await ctwaLead();
    expect(lead.ctwaClid).toEqual(expect.any(String));
    const sale = await wonWithSale(lead.id, 1_250_000);
    const purchases = await waitFor(
      async () => {
        const events = (await eventsFor(lead.id)).filter((e) => e.eventName === 'Purchase');
        return events.length > 0 ? events : undefined;
      },
      { what: 'the Purchase at the sandbox', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(purchases).toEqual([
      expect.objectContaining({
        eventId: `crm:${tenantId()}:${lead.id}:Purchase`,
        actionSource: 'business_messaging',
        messagingChannel: 'whatsapp',
        userData: expect.objectContaining({
          ctwa_clid: lead.ctwaClid,
          ph: [expect.stringMatching(/^[0-9a-f]{64}$/)],
        }),
        customData: { value: 1_250_000, currency: 'MXN' },
        duplicate: false,
      }),
    ]);

    // The same sale.completed delivered again (a redelivery past the stream's dedupe), and a second sale.
    const again: SaleCompletedEvent = {
      tenantId: tenantId(),
      saleId: sale.id,
      leadId: lead.id,
      opportunityId: sale.opportunityId ?? null,
      amount: 1_250_000,
      currency: 'MXN',
      completedAt: new Date().toISOString(),
    };
    await meta.jetstream.publish(Events.saleCompleted, again, `redelivery-${randomUUID()}`);
    await meta.jetstream.publish(Events.saleCompleted, again, `redelivery-${randomUUID()}`);
    await waitForConsumerIdle(CONVERSION_CONSUMERS.sale);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await eventsFor(lead.id)).toHaveLength(1);

    const log = await meta.rpc.call(Rpc.meta.conversionLog, { tenantId: tenantId() });
    expect(log.total).toBe(1);
    expect(log.items).toEqual([
      expect.objectContaining({
        leadId: lead.id,
        leadName: 'Rosa Anuncio',
        eventName: 'Purchase',
        point: 'won',
        keyedBy: 'ctwa_clid',
        value: 1_250_000,
        currency: 'MXN',
        state: 'sent',
        attempts: 1,
      }),
    ]);
  });

  it('a Lead Ads lead reaching qualified sends one QualifiedLead keyed by its lead_id', async () => {
    await configure({ enabled: true, datasetId });
    const phone = `+52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const created = await meta.control<{ leadgenId: string }>('/leadgen', {
      adId: meta.ids.leadAdIds[0],
      fullName: 'Marta Formulario',
      email: 'marta@example.com',
      phone,
    });
    const hooks = await meta.control<{ data: { payload: unknown }[] }>('/webhooks?kind=leadgen');
    const hook = hooks.data.find((h) => JSON.stringify(h.payload).includes(created.leadgenId));
    await meta.publishWebhook(hook!.payload);
    const lead = await leadByPhone(phone);
    await meta.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantId(),
      leadId: lead.id,
      status: 'calificado',
    });
    const events = await waitFor(
      async () => {
        const found = await eventsFor(lead.id);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the QualifiedLead at the sandbox', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(events).toEqual([
      expect.objectContaining({
        eventName: 'QualifiedLead',
        actionSource: 'system_generated',
        userData: expect.objectContaining({ lead_id: created.leadgenId }),
        customData: { event_source: 'crm', lead_event_source: 'CRM Ventas' },
      }),
    ]);
  });

  it('a dataset Meta refuses (4xx): the event is parked with the reason in the log, not retried', async () => {
    await configure({ enabled: true, datasetId: '8999999999999999' });
    const lead = await ctwaLead();
    await meta.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: tenantId(),
      leadId: lead.id,
      status: 'calificado',
    });
    const parked = await waitFor(
      async () => {
        const log = await meta.rpc.call(Rpc.meta.conversionLog, { tenantId: tenantId(), state: 'parked' });
        return log.items.find((entry) => entry.leadId === lead.id);
      },
      { what: 'the parked QualifiedLead', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(parked).toMatchObject({ eventName: 'QualifiedLead', state: 'parked', attempts: 1 });
    expect(parked.lastError?.code).toBe('META_REJECTED');
    expect(parked.lastError?.message).toContain('#100/33');
    expect(await eventsFor(lead.id)).toEqual([]);
    await configure({ datasetId });
  });

  it('Meta down (5xx): the event waits with the reason, is retried, and is sent once when Meta recovers', async () => {
    await configure({ enabled: true, datasetId });
    const lead = await ctwaLead();
    await meta.control('/outage', { enabled: true });
    try {
      await qualify(lead.id);
      const failing = await waitFor(
        async () => {
          const entry = await logEntryOf(lead.id);
          return entry && entry.attempts >= 1 ? entry : undefined;
        },
        { what: 'a failed try during the outage', timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(failing).toMatchObject({ state: 'pending', lastError: { code: 'META_UNAVAILABLE' } });
      expect(await eventsFor(lead.id)).toEqual([]);
    } finally {
      await meta.control('/outage', { enabled: false });
    }
    const sent = await waitFor(
      async () => {
        const entry = await logEntryOf(lead.id);
        return entry?.state === 'sent' ? entry : undefined;
      },
      { what: 'the QualifiedLead after the outage', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(sent.lastError).toBeNull();
    expect(await eventsFor(lead.id)).toEqual([
      expect.objectContaining({ eventName: 'QualifiedLead', duplicate: false }),
    ]);
  });

  it('a 190 holds the tenant’s events until it reconnects; the reconnect sends them at once', async () => {
    await configure({ enabled: true, datasetId });
    const lead = await ctwaLead();
    await meta.control('/tokens/expire', { token: await meta.storedToken(tenantId()) });
    await qualify(lead.id);
    const held = await waitFor(
      async () => {
        const entry = await logEntryOf(lead.id);
        return entry && entry.attempts >= 1 ? entry : undefined;
      },
      { what: 'the try Meta answered 190', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(held).toMatchObject({ state: 'pending', lastError: { code: 'META_TOKEN_EXPIRED' } });
    expect((await meta.rpc.call(Rpc.meta.connectionStatus, { tenantId: tenantId() })).state).toBe('expired');
    // As if it had waited through many backoffs: without the reconnect's wake-up it would be due in an hour.
    await meta.db.query(
      `UPDATE meta_ads.conversion_events SET next_attempt_at = now() + interval '1 hour'
        WHERE tenant_id = $1 AND lead_id = $2`,
      [tenantId(), lead.id],
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await eventsFor(lead.id)).toEqual([]);

    await connectTenantToSandbox(meta.rpc, meta.sandboxUrl, tenantId(), meta.ids);
    const events = await waitFor(
      async () => {
        const found = await eventsFor(lead.id);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the held QualifiedLead after the reconnect', timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(events).toEqual([expect.objectContaining({ eventName: 'QualifiedLead', duplicate: false })]);
    expect(await logEntryOf(lead.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });
});
