import { Rpc } from '@crm/contracts';
import { startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

describe('meta-ads-service: templates end to end (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
  });

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
    expect(reminder.statusUpdatedAt).not.toBeNull();
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
});
