import {
  DomainError,
  Rpc,
  type AdInsightsResult,
  type AttributionSummary,
  type ConnectionStatus,
  type RoiReport,
  type RpcReply,
  type RpcRequest,
  type RpcSubject,
  type TenantView,
} from '@crm/contracts';
import type { RpcClient } from '@crm/nest-common';
import type { ReportSnapshotStore, SnapshotKey, StoredSnapshot } from '../report-snapshot.store';
import { ReportingService } from '../reporting.service';

/**
 * Orchestration of one report with the two neighbours replaced by scripted answers (unit tier: no I/O).
 * The real services are exercised in reporting.int-spec.ts.
 */

const TENANT = '6f1c8a52-7d0e-4a4b-9b8e-2f1f4a0c9d11';
const NOW = new Date('2026-03-16T00:00:00.000Z'); // 2026-03-15 in Mexico City

const CONNECTED: ConnectionStatus = {
  state: 'connected',
  setupComplete: true,
  scopes: [],
  missingScopes: [],
  expiresAt: null,
  connectedAt: null,
  business: { id: '1', name: 'Biz' },
  adAccount: { id: 'act_1', name: 'Main', currency: 'MXN', timezone: 'America/Mexico_City' },
  phoneNumber: null,
  lastError: null,
};
const DISCONNECTED: ConnectionStatus = {
  ...CONNECTED,
  state: 'disconnected',
  setupComplete: false,
  business: null,
  adAccount: null,
};
const TENANT_VIEW: TenantView = {
  id: TENANT,
  name: 'Acme',
  currency: 'USD',
  timezone: 'Asia/Tokyo',
  locale: 'en-US',
};

const ATTRIBUTION: AttributionSummary = {
  rows: [
    {
      metaCampaignId: 'c1',
      metaAdsetId: 's1',
      metaAdId: 'a1',
      leads: 4,
      opportunities: 2,
      sales: 1,
      revenue: 900,
    },
    {
      metaCampaignId: null,
      metaAdsetId: null,
      metaAdId: null,
      leads: 1,
      opportunities: 0,
      sales: 0,
      revenue: 0,
    },
  ],
  salesCurrencies: ['MXN'],
};
const INSIGHTS: AdInsightsResult = {
  adAccountId: 'act_1',
  currency: 'MXN',
  timezone: 'America/Mexico_City',
  rows: [
    {
      campaignId: 'c1',
      campaignName: 'C1',
      adsetId: 's1',
      adsetName: 'S1',
      adId: 'a1',
      adName: 'A1',
      spend: 300,
      impressions: 1000,
      clicks: 20,
    },
  ],
  fetchedAt: NOW.toISOString(),
  stale: false,
};

/** What each subject answers in a test: the subject's reply type, or the error it fails with. */
type Answers = { [S in RpcSubject]?: RpcReply<S> | DomainError };

class ScriptedRpc implements Pick<RpcClient, 'call'> {
  readonly calls: { subject: RpcSubject; payload: object }[] = [];
  constructor(private readonly answers: Answers) {}
  async call<S extends RpcSubject>(subject: S, payload: RpcRequest<S>): Promise<RpcReply<S>> {
    this.calls.push({ subject, payload });
    const answer: unknown = this.answers[subject];
    if (answer === undefined) throw new DomainError('UPSTREAM_TIMEOUT', `no responder for ${subject}`);
    if (answer instanceof DomainError) throw answer;
    return structuredClone(answer) as RpcReply<S>;
  }
}

class MemorySnapshots {
  readonly rows = new Map<string, StoredSnapshot<unknown>>();
  async save(key: SnapshotKey, payload: object, computedAt: Date): Promise<void> {
    this.rows.set(JSON.stringify(key), { payload: structuredClone(payload), computedAt });
  }
  async find<T>(key: SnapshotKey): Promise<StoredSnapshot<T> | null> {
    return (this.rows.get(JSON.stringify(key)) as StoredSnapshot<T> | undefined) ?? null;
  }
}

function setup(answers: Answers, snapshots = new MemorySnapshots()) {
  const rpc = new ScriptedRpc(answers);
  const service = new ReportingService(
    rpc as unknown as RpcClient,
    snapshots as unknown as ReportSnapshotStore,
    { insightsTimeoutMs: 1000, rpcTimeoutMs: 1000, snapshotRetentionDays: 35, now: () => NOW },
  );
  return { rpc, service, snapshots };
}

describe('ReportingService', () => {
  it('joins CRM attribution with Meta insights in the ad account timezone and stores a snapshot', async () => {
    const { rpc, service, snapshots } = setup({
      [Rpc.meta.connectionStatus]: CONNECTED,
      [Rpc.crm.attributionSummary]: ATTRIBUTION,
      [Rpc.meta.adInsights]: INSIGHTS,
    });
    const report = await service.stats({ tenantId: TENANT, preset: 'last_7d' });
    expect(report).toMatchObject({
      range: { preset: 'last_7d', since: '2026-03-09', until: '2026-03-15', timezone: 'America/Mexico_City' },
      currency: 'MXN',
      salesCurrencies: ['MXN'],
      currencyMismatch: false,
      connection: 'connected',
      stale: false,
      totals: { spend: 300, leads: 5, sales: 1, revenue: 900, costPerLead: 60, roiPercent: 200 },
    });
    expect(rpc.calls.find((c) => c.subject === Rpc.crm.attributionSummary)!.payload).toEqual({
      tenantId: TENANT,
      since: '2026-03-09T06:00:00.000Z',
      until: '2026-03-16T06:00:00.000Z',
    });
    expect(rpc.calls.find((c) => c.subject === Rpc.meta.adInsights)!.payload).toEqual({
      tenantId: TENANT,
      since: '2026-03-09',
      until: '2026-03-15',
    });
    expect(rpc.calls.some((c) => c.subject === Rpc.crm.getTenant)).toBe(false);
    expect(snapshots.rows.size).toBe(1);
  });

  it('answers with CRM numbers and spend 0 when Meta is not connected, in the tenant timezone', async () => {
    const { rpc, service, snapshots } = setup({
      [Rpc.meta.connectionStatus]: DISCONNECTED,
      [Rpc.crm.getTenant]: TENANT_VIEW,
      [Rpc.crm.attributionSummary]: { ...ATTRIBUTION, salesCurrencies: ['MXN'] },
    });
    const report = await service.roi({ tenantId: TENANT, preset: 'last_7d' });
    expect(report.connection).toBe('disconnected');
    expect(report.range).toMatchObject({ since: '2026-03-10', until: '2026-03-16', timezone: 'Asia/Tokyo' });
    expect(report.currency).toBe('USD');
    expect(report.currencyMismatch).toBe(true);
    expect(report.campaigns).toEqual([]);
    expect(report.unattributed).toMatchObject({ spend: 0, leads: 5, revenue: 900, roiPercent: null });
    expect(rpc.calls.some((c) => c.subject === Rpc.meta.adInsights)).toBe(false);
    expect(snapshots.rows.size).toBe(0);
  });

  it('treats META_NOT_CONNECTED / META_TOKEN_EXPIRED from insights as not connected', async () => {
    for (const [code, state] of [
      ['META_NOT_CONNECTED', 'disconnected'],
      ['META_TOKEN_EXPIRED', 'expired'],
    ] as const) {
      const { service } = setup({
        [Rpc.meta.connectionStatus]: CONNECTED,
        [Rpc.crm.attributionSummary]: ATTRIBUTION,
        [Rpc.meta.adInsights]: new DomainError(code, 'no'),
      });
      const report = await service.stats({ tenantId: TENANT, preset: 'last_30d' });
      expect(report.connection).toBe(state);
      expect(report.totals).toMatchObject({ spend: 0, leads: 5 });
    }
  });

  it('propagates META_RATE_LIMITED when there is no snapshot, and serves the last good one when there is', async () => {
    const snapshots = new MemorySnapshots();
    const good = setup(
      {
        [Rpc.meta.connectionStatus]: CONNECTED,
        [Rpc.crm.attributionSummary]: ATTRIBUTION,
        [Rpc.meta.adInsights]: INSIGHTS,
      },
      snapshots,
    );
    const fresh: RoiReport = await good.service.roi({ tenantId: TENANT, preset: 'last_7d' });

    const limited = new DomainError('META_RATE_LIMITED', 'slow down', { retryAfterSeconds: 60 });
    const failing = {
      [Rpc.meta.connectionStatus]: CONNECTED,
      [Rpc.crm.attributionSummary]: ATTRIBUTION,
      [Rpc.meta.adInsights]: limited,
    };
    const other = setup(failing, snapshots);
    await expect(other.service.roi({ tenantId: TENANT, preset: 'last_30d' })).rejects.toMatchObject({
      code: 'META_RATE_LIMITED',
      details: { retryAfterSeconds: 60 },
    });
    await expect(other.service.stats({ tenantId: TENANT, preset: 'last_7d' })).rejects.toMatchObject({
      code: 'META_RATE_LIMITED',
    });
    const served = await other.service.roi({ tenantId: TENANT, preset: 'last_7d' });
    expect(served).toEqual({ ...fresh, stale: true, snapshotAt: NOW.toISOString() });
  });

  it('propagates META_UNAVAILABLE and errors a snapshot cannot stand in for', async () => {
    const { service } = setup({
      [Rpc.meta.connectionStatus]: CONNECTED,
      [Rpc.crm.attributionSummary]: ATTRIBUTION,
      [Rpc.meta.adInsights]: new DomainError('META_UNAVAILABLE', 'down'),
    });
    await expect(service.stats({ tenantId: TENANT, preset: 'last_7d' })).rejects.toMatchObject({
      code: 'META_UNAVAILABLE',
    });
    const permission = setup({
      [Rpc.meta.connectionStatus]: CONNECTED,
      [Rpc.crm.attributionSummary]: ATTRIBUTION,
      [Rpc.meta.adInsights]: new DomainError('META_PERMISSION', 'ads_read missing'),
    });
    await expect(permission.service.stats({ tenantId: TENANT, preset: 'last_7d' })).rejects.toMatchObject({
      code: 'META_PERMISSION',
    });
  });

  it('reports stale insights from meta-ads-service cache without storing them as a snapshot', async () => {
    const { service, snapshots } = setup({
      [Rpc.meta.connectionStatus]: CONNECTED,
      [Rpc.crm.attributionSummary]: ATTRIBUTION,
      [Rpc.meta.adInsights]: { ...INSIGHTS, stale: true },
    });
    const report = await service.stats({ tenantId: TENANT, preset: 'last_7d' });
    expect(report.stale).toBe(true);
    expect(report.totals.spend).toBe(300);
    expect(snapshots.rows.size).toBe(0);
  });

  it('rejects an invalid custom range before calling Meta or the CRM', async () => {
    const { rpc, service } = setup({ [Rpc.meta.connectionStatus]: CONNECTED });
    await expect(
      service.stats({ tenantId: TENANT, preset: 'custom', since: '2026-03-10' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(rpc.calls.map((c) => c.subject)).toEqual([Rpc.meta.connectionStatus]);
  });
});
