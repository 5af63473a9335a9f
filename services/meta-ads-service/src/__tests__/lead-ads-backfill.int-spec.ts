import { randomUUID } from 'node:crypto';
import { Events, Rpc, type LeadgenBackfillView, type LeadgenReceivedEvent } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { rpcError } from '@crm/testing';
import { DataSource } from 'typeorm';
import { MetaAdsConfig } from '../config';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { FormStore } from '../lead-ads/form-store';
import { LeadgenBackfillService } from '../lead-ads/leadgen-backfill.service';
import { LeadgenService } from '../webhooks/leadgen.service';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };
const DAY_S = 86_400;

describe('meta-ads-service: Lead Ads backfill by form and date range (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let leads: LeadgenReceivedEvent[];

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    leads = await svc.collect(Events.leadgenReceived);
  });

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.releaseAll();
  });

  const queretaro = () =>
    svc.sandbox.state.dataset.leadForms.find((f) => f.name === 'Cotización casas Querétaro')!.id;
  const nowS = () => Math.floor(Date.now() / 1000);

  /** A lead submitted `daysAgo` days ago whose webhook never came (an outage). */
  const missedLead = async (formId: string, daysAgo: number, name: string) =>
    (
      await svc.control<{ leadgenId: string }>('/leadgen', {
        formId,
        fullName: name,
        email: `${randomUUID().slice(0, 8)}@example.com`,
        createdTime: nowS() - Math.round(daysAgo * DAY_S),
        webhook: false,
      })
    ).leadgenId;

  const backfillDone = (tenantId: string, id: string) =>
    waitFor(
      async () => {
        const job = (await svc.rpc.call(Rpc.meta.listLeadgenBackfills, { tenantId })).find(
          (b) => b.id === id,
        );
        return job?.state === 'done' ? job : undefined;
      },
      { what: `backfill ${id} done`, timeoutMs: 20_000 },
    );

  const publishedFor = (leadgenId: string) => leads.filter((e) => e.leadgenId === leadgenId);

  /** A connected tenant whose automatic backfills (the Page's last 90 days) are over. */
  const connectedAndSettled = async () => {
    const { tenantId } = await svc.connectTenant();
    for (const job of await svc.rpc.call(Rpc.meta.listLeadgenBackfills, { tenantId })) {
      await backfillDone(tenantId, job.id);
    }
    return { tenantId };
  };

  it('choosing a Page reads the last 90 days of each of its forms', async () => {
    const { tenantId } = await svc.connectTenant();
    const jobs = await svc.rpc.call(Rpc.meta.listLeadgenBackfills, { tenantId });
    expect(jobs.map((job) => job.formId).sort()).toEqual([...svc.ids.formIds].sort());
    for (const job of jobs) {
      expect(job).toMatchObject({
        reason: 'page_chosen',
        pageId: svc.ids.pageId,
        pageName: 'Inmobiliaria Sol',
      });
      const days = (Date.parse(job.until) - Date.parse(job.since)) / (DAY_S * 1000);
      expect(days).toBeCloseTo(90, 3);
    }
    await Promise.all(jobs.map((job) => backfillDone(tenantId, job.id)));
    // The sandbox's seed leads (all within 90 days) reached the account without a webhook.
    for (const seed of svc.sandbox.state.dataset.seedLeads) {
      await waitFor(() => publishedFor(seed.id).find((e) => e.tenantId === tenantId), {
        what: `seed lead ${seed.id}`,
      });
    }
  }, 40_000);

  it('a backfill after an outage publishes the leads whose webhook never came, once; the others are not repeated', async () => {
    const { tenantId } = await connectedAndSettled();
    const formId = queretaro();
    const missed = [
      await missedLead(formId, 2, 'Sin Webhook 1'),
      await missedLead(formId, 1.5, 'Sin Webhook 2'),
      await missedLead(formId, 1, 'Sin Webhook 3'),
    ];
    const arrived = await svc.control<{ leadgenId: string }>('/leadgen', {
      formId,
      fullName: 'Con Webhook',
      email: 'con.webhook@example.com',
    });
    const deliveries = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=leadgen')).data;
    await svc.publishWebhook(deliveries.find((w) => w.meta.leadgenId === arrived.leadgenId)!.payload);
    await waitFor(() => publishedFor(arrived.leadgenId).length === 1, { what: 'webhook lead' });

    // The validation of the request comes first.
    const reversed = await rpcError(
      svc.rpc.call(Rpc.meta.createLeadgenBackfill, {
        tenantId,
        formId,
        since: new Date().toISOString(),
        until: new Date(Date.now() - DAY_S * 1000).toISOString(),
      }),
    );
    expect(reversed).toMatchObject({ code: 'VALIDATION', message: 'since must be before until' });
    const future = await rpcError(
      svc.rpc.call(Rpc.meta.createLeadgenBackfill, {
        tenantId,
        formId,
        since: new Date().toISOString(),
        until: new Date(Date.now() + DAY_S * 1000).toISOString(),
      }),
    );
    expect(future.code).toBe('VALIDATION');
    const unknownForm = await rpcError(
      svc.rpc.call(Rpc.meta.createLeadgenBackfill, {
        tenantId,
        formId: '123123123',
        since: new Date(Date.now() - DAY_S * 1000).toISOString(),
        until: new Date().toISOString(),
      }),
    );
    expect(unknownForm.code).toBe('NOT_FOUND');

    const since = new Date((nowS() - 3 * DAY_S) * 1000).toISOString();
    const until = new Date().toISOString();
    const job = await svc.rpc.call(Rpc.meta.createLeadgenBackfill, { tenantId, formId, since, until });
    expect(job).toMatchObject({ formId, reason: 'manual', formName: 'Cotización casas Querétaro' });
    const done = await backfillDone(tenantId, job.id);
    for (const id of missed) {
      const [event] = await waitFor(() => (publishedFor(id).length > 0 ? publishedFor(id) : undefined), {
        what: `missed lead ${id}`,
      });
      expect(event).toMatchObject({ tenantId, formId, formName: 'Cotización casas Querétaro' });
    }
    expect(done.leadsFound).toBeGreaterThanOrEqual(4);
    expect(done.pagesRead).toBeGreaterThanOrEqual(1);
    expect(publishedFor(arrived.leadgenId)).toHaveLength(1);
    const missedEvent = publishedFor(missed[0])[0];
    expect(missedEvent.createdTime).toBe(
      new Date(svc.sandbox.state.leads.get(missed[0])!.createdAt).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
    );

    // The same range again: everything was published already.
    const again = await svc.rpc.call(Rpc.meta.createLeadgenBackfill, { tenantId, formId, since, until });
    const second = await backfillDone(tenantId, again.id);
    expect(second.leadsFound).toBe(done.leadsFound);
    expect(second.leadsPublished).toBe(0);
    for (const id of missed) expect(publishedFor(id)).toHaveLength(1);
  }, 40_000);

  it('resumes below where a dead replica got to, and two replicas never read one job twice', async () => {
    const { tenantId } = await connectedAndSettled();
    const formId = queretaro();
    const older = await missedLead(formId, 6, 'Más Antiguo');
    const newer = await missedLead(formId, 5, 'Más Reciente');
    // A job whose replica died after reading the page down to 5.5 days ago: only what is older is left to read.
    const { rows } = await svc.db.query<{ id: string }>(
      `INSERT INTO meta_ads.leadgen_backfills (tenant_id, form_id, page_id, since, until, reason, resume_before,
                                                lease_owner, locked_until, attempts)
       VALUES ($1, $2, $3, now() - interval '7 days', now() - interval '4 days', 'manual',
               now() - interval '132 hours', 'dead-replica', now() - interval '1 second', 1)
       RETURNING id`,
      [tenantId, formId, svc.ids.pageId],
    );
    // A second replica: its own worker (own lease owner) over the same table.
    const other = new LeadgenBackfillService(
      svc.app.get(DataSource),
      svc.app.get(TenantDatabase),
      svc.app.get(ConnectionStore),
      svc.app.get(GraphClient),
      svc.app.get(LeadgenService),
      svc.app.get(FormStore),
      svc.app.get(MetaAdsConfig),
    );
    try {
      await Promise.all([other.runOnce(), svc.app.get(LeadgenBackfillService).runOnce()]);
      const job: LeadgenBackfillView = await backfillDone(tenantId, rows[0].id);
      expect(job.leadsFound).toBe(1);
      expect(job.leadsPublished).toBe(1);
      await waitFor(() => publishedFor(older).length === 1, { what: 'the older lead' });
      expect(publishedFor(newer)).toHaveLength(0);
    } finally {
      await other.onModuleDestroy();
    }
  }, 40_000);

  it('a backfill of an expired connection waits, and runs after the reconnect', async () => {
    const { tenantId } = await connectedAndSettled();
    const formId = queretaro();
    const lead = await missedLead(formId, 0.5, 'Esperando Reconexión');
    await svc.control('/tokens/expire', { token: await svc.storedToken(tenantId) });
    // Expiry is noticed on the next Meta call; mark it as the service would.
    await svc.db.query(`UPDATE meta_ads.connections SET state = 'expired' WHERE tenant_id = $1`, [tenantId]);
    const job = await svc.rpc.call(Rpc.meta.createLeadgenBackfill, {
      tenantId,
      formId,
      since: new Date((nowS() - DAY_S) * 1000).toISOString(),
      until: new Date().toISOString(),
    });
    await svc.app.get(LeadgenBackfillService).runOnce();
    const waiting = (await svc.rpc.call(Rpc.meta.listLeadgenBackfills, { tenantId })).find(
      (b) => b.id === job.id,
    )!;
    expect(waiting.state).toBe('queued');
    expect(publishedFor(lead)).toHaveLength(0);

    await svc.rpc.call(Rpc.meta.completeOauth, {
      tenantId,
      userId: randomUUID(),
      accessToken: await svc.mintToken(),
    });
    await backfillDone(tenantId, job.id);
    await waitFor(() => publishedFor(lead).length === 1, { what: 'lead after the reconnect' });
  }, 40_000);
});
