import { Events, Rpc, type TemplateStatusChangedEvent } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { TemplateSyncScheduler } from '../whatsapp/template-sync.scheduler';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };
type TemplateRow = {
  status: string;
  reason: string | null;
  rejection_info: { reason: string; recommendation: string | null } | null;
  quality_score: string | null;
  status_updated_at: Date | null;
};

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

/** A template webhook body as Meta posts it (REFERENCE §7.7): the template id is a JSON number. */
const templateHook = (
  wabaId: string,
  time: number,
  field: string,
  template: { id: string; name: string; language: string },
  value: Record<string, unknown>,
) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: wabaId,
      time,
      changes: [
        {
          field,
          value: {
            message_template_id: Number(template.id),
            message_template_name: template.name,
            message_template_language: template.language.replace('_', '-'),
            ...value,
          },
        },
      ],
    },
  ],
});

describe('meta-ads-service: templates end to end (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;
  let events: TemplateStatusChangedEvent[];

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
    events = await svc.collect(Events.templateStatusChanged);
  });

  const rowOf = async (tenantId: string, name: string, language = 'es'): Promise<TemplateRow | undefined> =>
    (
      await svc.db.query<TemplateRow>(
        `SELECT status, reason, rejection_info, quality_score, status_updated_at
           FROM meta_ads.templates WHERE tenant_id = $1 AND name = $2 AND language = $3`,
        [tenantId, name, language],
      )
    ).rows[0];

  const templateWebhooks = async () =>
    (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=template')).data;

  const sandboxTemplate = (name: string, language = 'es') =>
    svc.sandbox.state.templates.find((t) => t.name === name && t.language === language)!;

  afterAll(async () => {
    await svc?.close();
  });

  afterEach(async () => {
    await svc.releaseAll();
  });

  it('meta.templates.details: header, footer, buttons with parameter counts, quality; refresh syncs first', async () => {
    const { tenantId } = await svc.connectTenant();
    const details = await svc.rpc.call(Rpc.meta.templateDetails, { tenantId });
    const sandboxTemplates = svc.sandbox.state.templates.filter((t) => t.wabaId === svc.ids.wabaId);
    expect(details).toHaveLength(sandboxTemplates.length);

    const reminder = details.find((t) => t.name === 'recordatorio_cita' && t.language === 'es')!;
    expect(reminder).toMatchObject({
      status: 'APPROVED',
      headerFormat: 'TEXT',
      headerText: 'Recordatorio de cita',
      headerParameterCount: 0,
      parameterCount: 3,
      qualityScore: 'GREEN',
      reason: null,
      rejectionInfo: null,
      buttons: [
        { type: 'QUICK_REPLY', text: 'Confirmar', url: null, parameterCount: 0 },
        { type: 'QUICK_REPLY', text: 'Reprogramar', url: null, parameterCount: 0 },
      ],
    });
    // First seen by a sync: Meta's time of that status is unknown.
    expect(reminder.statusUpdatedAt).toBeNull();
    const followup = details.find((t) => t.name === 'seguimiento_lead')!;
    expect(followup.footerText).toBe('Inmobiliaria Sol');
    expect(followup.headerFormat).toBeNull();

    // Stored rows answer without a refresh; `refresh: true` brings back what Meta has.
    await svc.db.query(`DELETE FROM meta_ads.templates WHERE tenant_id = $1 AND name = 'seguimiento_lead'`, [
      tenantId,
    ]);
    expect(await svc.rpc.call(Rpc.meta.templateDetails, { tenantId })).toHaveLength(details.length - 1);
    const refreshed = await svc.rpc.call(Rpc.meta.templateDetails, { tenantId, refresh: true });
    expect(refreshed).toHaveLength(details.length);
  });

  it('syncs every page of the WABA, removes templates deleted at Meta, and runs the periodic sync once across replicas', async () => {
    const { tenantId } = await svc.connectTenant();
    const prefix = `paged_${Date.now().toString(36)}`;
    await svc.control('/templates/bulk', { count: 230, prefix, wabaId: svc.ids.wabaId });
    try {
      const details = await svc.rpc.call(Rpc.meta.templateDetails, { tenantId, refresh: true }, 20_000);
      expect(details.filter((t) => t.name.startsWith(prefix))).toHaveLength(230);

      // Deleted at Meta → gone here at the next sync, and published as DELETED.
      svc.sandbox.state.templates = svc.sandbox.state.templates.filter((t) => t.name !== `${prefix}_0007`);
      // Two replicas' ticks in the same period: only one claims the run.
      await svc.db.query(
        `UPDATE meta_ads.template_sync_schedule SET next_run_at = now() - interval '1 second'`,
      );
      const scheduler = svc.app.get(TemplateSyncScheduler);
      const [first, second] = await Promise.all([scheduler.tick(), scheduler.tick()]);
      const winners = [first, second].filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toContain(tenantId);
      expect(await scheduler.tick()).toBeNull();
      expect(await rowOf(tenantId, `${prefix}_0007`)).toBeUndefined();
      expect(await rowOf(tenantId, `${prefix}_0008`)).toBeDefined();
      await waitFor(() => events.find((e) => e.tenantId === tenantId && e.name === `${prefix}_0007`), {
        what: 'DELETED event',
      });
      expect(events.find((e) => e.tenantId === tenantId && e.name === `${prefix}_0007`)).toMatchObject({
        status: 'DELETED',
        previousStatus: 'APPROVED',
      });
    } finally {
      svc.sandbox.state.templates = svc.sandbox.state.templates.filter((t) => !t.name.startsWith(prefix));
    }
  });

  it('status webhooks: rejection_info and reason stored, an older update ignored, a redelivery not published twice', async () => {
    const { tenantId } = await svc.connectTenant();
    const template = sandboxTemplate('recordatorio_cita');
    const t0 = Math.floor(Date.now() / 1000) + 60;
    await svc.publishWebhook(
      templateHook(svc.ids.wabaId, t0, 'message_template_status_update', template, {
        event: 'REJECTED',
        reason: 'INCORRECT_CATEGORY',
        message_template_category: 'UTILITY',
        rejection_info: {
          reason: 'The content is promotional',
          recommendation: 'Use the MARKETING category',
        },
      }),
    );
    await waitFor(async () => (await rowOf(tenantId, 'recordatorio_cita'))?.status === 'REJECTED', {
      what: 'REJECTED stored',
    });
    expect(await rowOf(tenantId, 'recordatorio_cita')).toMatchObject({
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
      rejection_info: { reason: 'The content is promotional', recommendation: 'Use the MARKETING category' },
      status_updated_at: new Date(t0 * 1000),
    });
    const details = await svc.rpc.call(Rpc.meta.templateDetails, { tenantId });
    expect(details.find((t) => t.name === 'recordatorio_cita' && t.language === 'es')).toMatchObject({
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
      rejectionInfo: { reason: 'The content is promotional', recommendation: 'Use the MARKETING category' },
    });

    // An APPROVED from before the rejection arrives late: ignored.
    await svc.publishWebhook(
      templateHook(svc.ids.wabaId, t0 - 30, 'message_template_status_update', template, {
        event: 'APPROVED',
        reason: 'NONE',
      }),
    );
    // A quality update (ordered on its own clock) after it, to know the earlier part was processed.
    await svc.publishWebhook(
      templateHook(svc.ids.wabaId, t0 - 30, 'message_template_quality_update', template, {
        previous_quality_score: 'GREEN',
        new_quality_score: 'YELLOW',
      }),
    );
    await waitFor(async () => (await rowOf(tenantId, 'recordatorio_cita'))?.quality_score === 'YELLOW', {
      what: 'quality stored',
    });
    await settle(300);
    expect((await rowOf(tenantId, 'recordatorio_cita'))?.status).toBe('REJECTED');

    const mine = () => events.filter((e) => e.tenantId === tenantId && e.name === 'recordatorio_cita');
    await waitFor(() => mine().length >= 2, { what: 'status and quality events' });
    expect(mine()[0]).toMatchObject({
      templateId: template.id,
      language: 'es',
      status: 'REJECTED',
      previousStatus: 'APPROVED',
      reason: 'INCORRECT_CATEGORY',
      at: new Date(t0 * 1000).toISOString(),
    });
    expect(mine()[1]).toMatchObject({ status: 'REJECTED', qualityScore: 'YELLOW' });

    // Redelivery of the same REJECTED: nothing new published.
    await svc.publishWebhook(
      templateHook(svc.ids.wabaId, t0, 'message_template_status_update', template, {
        event: 'REJECTED',
        reason: 'INCORRECT_CATEGORY',
        rejection_info: {
          reason: 'The content is promotional',
          recommendation: 'Use the MARKETING category',
        },
      }),
    );
    // A newer PAUSED applies, with other_info as its reason.
    await svc.publishWebhook(
      templateHook(svc.ids.wabaId, t0 + 10, 'message_template_status_update', template, {
        event: 'PAUSED',
        reason: null,
        other_info: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours due to low quality' },
      }),
    );
    await waitFor(async () => (await rowOf(tenantId, 'recordatorio_cita'))?.status === 'PAUSED', {
      what: 'PAUSED stored',
    });
    expect((await rowOf(tenantId, 'recordatorio_cita'))?.reason).toBe(
      'Paused for 3 hours due to low quality',
    );
    await waitFor(() => mine().length >= 3, { what: 'PAUSED event' });
    await settle(300);
    expect(mine().map((e) => e.status)).toEqual(['REJECTED', 'REJECTED', 'PAUSED']);
  });

  it('meta.templates.create: Meta validation error → 4xx with Meta’s message; created → PENDING → approved in the sandbox → APPROVED via webhook', async () => {
    const { tenantId } = await svc.connectTenant();
    const name = `promo_${Date.now().toString(36)}`;
    const error = await rpcError(
      svc.rpc.call(Rpc.meta.createTemplate, {
        tenantId,
        name,
        language: 'es',
        category: 'MARKETING',
        body: { text: 'Hola {{1}}, tenemos una oferta.' },
      }),
    );
    expect(error.code).toBe('META_REJECTED');
    expect(error.message).toMatch(/sample values/);
    expect(error.details).toMatchObject({ metaCode: 100, metaSubcode: 2388043 });
    expect(await rowOf(tenantId, name)).toBeUndefined();

    const created = await svc.rpc.call(Rpc.meta.createTemplate, {
      tenantId,
      name,
      language: 'es',
      category: 'MARKETING',
      header: { format: 'TEXT', text: 'Oferta para {{1}}', example: ['Ana'] },
      body: { text: 'Hola {{1}}, tenemos una oferta en {{2}}.', examples: ['Ana', 'Polanco'] },
      footer: 'Inmobiliaria Sol',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Me interesa' },
        { type: 'URL', text: 'Ver', url: 'https://sol.example/o/{{1}}', example: ['42'] },
      ],
    });
    expect(created).toMatchObject({
      name,
      status: 'PENDING',
      category: 'MARKETING',
      parameterCount: 2,
      headerFormat: 'TEXT',
      headerParameterCount: 1,
      footerText: 'Inmobiliaria Sol',
      buttons: [
        { type: 'QUICK_REPLY', parameterCount: 0 },
        { type: 'URL', parameterCount: 1 },
      ],
    });
    expect((await rowOf(tenantId, name))?.status).toBe('PENDING');
    // Same name and language again: Meta's duplicate error.
    const duplicate = await rpcError(
      svc.rpc.call(Rpc.meta.createTemplate, {
        tenantId,
        name,
        language: 'es',
        category: 'MARKETING',
        body: { text: 'Otro texto' },
      }),
    );
    expect(duplicate.code).toBe('META_REJECTED');
    expect(duplicate.message).toMatch(/already exists/i);

    await svc.control(`/templates/${created.id}/status`, { status: 'APPROVED' });
    const hook = (await templateWebhooks()).find(
      (w) => w.meta.templateId === created.id && w.meta.event === 'APPROVED',
    )!;
    await svc.publishWebhook(hook.payload);
    await waitFor(async () => (await rowOf(tenantId, name))?.status === 'APPROVED', {
      what: 'APPROVED stored',
    });
    await waitFor(
      () => events.find((e) => e.tenantId === tenantId && e.name === name && e.status === 'APPROVED'),
      {
        what: 'APPROVED event',
      },
    );
    svc.sandbox.state.templates = svc.sandbox.state.templates.filter((t) => t.name !== name);
  });
});
