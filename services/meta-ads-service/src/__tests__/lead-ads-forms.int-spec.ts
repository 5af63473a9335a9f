import { Events, Rpc, type LeadgenReceivedEvent } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { LeadFormSyncScheduler } from '../lead-ads/form-sync.scheduler';
import { startMetaAdsTestApp, waitFor, type MetaAdsTestApp } from './meta-ads-test-app';

type SandboxWebhook = { kind: string; meta: Record<string, string>; payload: Record<string, unknown> };

describe('meta-ads-service: Lead Ads forms, their questions and mapping (real DB, NATS, Meta sandbox)', () => {
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

  const queretaroFormId = () =>
    svc.sandbox.state.dataset.leadForms.find((f) => f.name === 'Cotización casas Querétaro')!.id;

  it('choosing a Page syncs its forms: questions, labels and default fields', async () => {
    const { tenantId } = await svc.connectTenant();
    const forms = await svc.rpc.call(Rpc.meta.listLeadForms, { tenantId });
    expect(forms.map((f) => f.id)).toEqual(expect.arrayContaining(svc.ids.formIds));
    const queretaro = forms.find((f) => f.id === queretaroFormId())!;
    expect(queretaro).toMatchObject({
      pageId: svc.ids.pageId,
      pageName: 'Inmobiliaria Sol',
      name: 'Cotización casas Querétaro',
      status: 'ACTIVE',
      locale: 'es_LA',
      customMapping: false,
    });
    expect(queretaro.questions.map((q) => [q.key, q.label, q.field])).toEqual([
      ['full_name', 'Nombre completo', 'full_name'],
      ['phone_number', 'Número de teléfono', 'phone'],
      ['email', 'Correo electrónico', 'email'],
      ['city', 'Ciudad', 'city'],
      ['presupuesto_de_compra', '¿Cuál es tu presupuesto?', 'notes'],
    ]);
  });

  it('a mapping is edited per form (bad ones refused) and the next lead is read through it', async () => {
    const { tenantId } = await svc.connectTenant();
    const formId = queretaroFormId();
    const unknownKey = await rpcError(
      svc.rpc.call(Rpc.meta.updateLeadFormMapping, { tenantId, formId, mapping: { nope: 'notes' } }),
    );
    expect(unknownKey).toMatchObject({
      code: 'VALIDATION',
      message: 'mapping.nope: the form has no such question',
    });
    const twoPhones = await rpcError(
      svc.rpc.call(Rpc.meta.updateLeadFormMapping, {
        tenantId,
        formId,
        mapping: { presupuesto_de_compra: 'phone' },
      }),
    );
    expect(twoPhones.code).toBe('VALIDATION');
    const notSynced = await rpcError(
      svc.rpc.call(Rpc.meta.updateLeadFormMapping, { tenantId, formId: '123123123', mapping: {} }),
    );
    expect(notSynced.code).toBe('NOT_FOUND');

    const updated = await svc.rpc.call(Rpc.meta.updateLeadFormMapping, {
      tenantId,
      formId,
      mapping: { presupuesto_de_compra: 'tag', city: 'ignore' },
    });
    expect(updated).toMatchObject({ customMapping: true, pageName: 'Inmobiliaria Sol' });
    expect(updated.questions.find((q) => q.key === 'presupuesto_de_compra')).toMatchObject({
      field: 'tag',
      defaultField: 'notes',
    });
    // A refresh from Meta keeps the mapping.
    const refreshed = await svc.rpc.call(Rpc.meta.listLeadForms, { tenantId, refresh: true });
    expect(refreshed.find((f) => f.id === formId)).toMatchObject({ customMapping: true });

    const lead = await svc.control<{ leadgenId: string }>('/leadgen', {
      formId,
      fullName: 'Mapeo Editado',
      email: 'mapeo@example.com',
      answers: { city: 'Querétaro', presupuesto_de_compra: 'Contado' },
    });
    const deliveries = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=leadgen')).data;
    await svc.publishWebhook(deliveries.find((w) => w.meta.leadgenId === lead.leadgenId)!.payload);
    const event = await waitFor(() => leads.find((e) => e.leadgenId === lead.leadgenId), { what: 'leadgen' });
    expect(event).toMatchObject({
      tenantId,
      formName: 'Cotización casas Querétaro',
      fullName: 'Mapeo Editado',
      email: 'mapeo@example.com',
      tags: ['Contado'],
    });
    expect(event.phone).toBeUndefined();
    expect(event.notes).toBeUndefined();

    // Back to the defaults: city and the custom answer are note lines again.
    await svc.rpc.call(Rpc.meta.updateLeadFormMapping, { tenantId, formId, mapping: {} });
    const second = await svc.control<{ leadgenId: string }>('/leadgen', {
      formId,
      fullName: 'Por Defecto',
      email: 'defecto@example.com',
      answers: { city: 'Querétaro', presupuesto_de_compra: 'Crédito' },
    });
    const again = (await svc.control<{ data: SandboxWebhook[] }>('/webhooks?kind=leadgen')).data;
    await svc.publishWebhook(again.find((w) => w.meta.leadgenId === second.leadgenId)!.payload);
    const secondEvent = await waitFor(() => leads.find((e) => e.leadgenId === second.leadgenId), {
      what: 'leadgen',
    });
    expect(secondEvent.notes).toBe('Ciudad: Querétaro\n¿Cuál es tu presupuesto?: Crédito');
    expect(secondEvent.tags).toBeUndefined();
  });

  it('the periodic sync runs once per period across replicas and picks up a form renamed on Meta', async () => {
    const { tenantId } = await svc.connectTenant();
    const form = svc.sandbox.state.dataset.leadForms.find((f) => f.id === queretaroFormId())!;
    const original = form.name;
    form.name = 'Cotización Querétaro (nueva)';
    try {
      await svc.db.query(
        `UPDATE meta_ads.lead_form_sync_schedule SET next_run_at = now() - interval '1 second'`,
      );
      const scheduler = svc.app.get(LeadFormSyncScheduler);
      const [first, second] = await Promise.all([scheduler.tick(), scheduler.tick()]);
      expect([first, second].filter((run) => run !== null)).toHaveLength(1);
      expect(first ?? second).toContain(tenantId);
      const forms = await svc.rpc.call(Rpc.meta.listLeadForms, { tenantId });
      expect(forms.find((f) => f.id === form.id)!.name).toBe('Cotización Querétaro (nueva)');
      expect(await scheduler.tick()).toBeNull();
    } finally {
      form.name = original;
    }
  });
});
