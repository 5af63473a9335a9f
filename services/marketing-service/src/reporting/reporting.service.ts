import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  type AdInsightsResult,
  type ConnectionState,
  type ConnectionStatus,
  type ReportMeta,
  type RoiReport,
  type StatsReport,
  type StatsRequest,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { isValidTimezone, resolveReportRange, type ResolvedRange } from './report-range';
import { ReportSnapshotStore, type SnapshotKey } from './report-snapshot.store';
import type { ReportKind } from './report-snapshot.entity';
import { buildRoiBreakdown, hasCurrencyMismatch } from './roi-calculator';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings';

/** Meta failures a last-good snapshot may stand in for; anything else is reported as is. */
const SNAPSHOT_FALLBACK_CODES = new Set(['META_RATE_LIMITED', 'META_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

type InsightsOutcome =
  | { kind: 'ok'; result: AdInsightsResult }
  | { kind: 'not_connected'; connection: ConnectionState }
  | { kind: 'failed'; error: DomainError };

type ReportContext = {
  status: ConnectionStatus;
  currency: string;
  resolved: ResolvedRange;
};

/**
 * Marketing Hub reports: CRM attribution (crm-service) joined with Meta ad insights (meta-ads-service) over NATS.
 * A tenant that is not connected still gets its CRM numbers (spend 0); a Meta outage serves the last good
 * snapshot of the same range, or the typed Meta error when there is none.
 */
@Injectable()
export class ReportingService {
  private readonly logger = new Logger(ReportingService.name);

  constructor(
    private readonly rpc: RpcClient,
    private readonly snapshots: ReportSnapshotStore,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {}

  async stats(request: StatsRequest): Promise<StatsReport> {
    return this.report(request, 'stats', (meta, breakdown) => ({ ...meta, totals: breakdown.totals }));
  }

  async roi(request: StatsRequest): Promise<RoiReport> {
    return this.report(request, 'roi', (meta, breakdown) => ({
      ...meta,
      campaigns: breakdown.campaigns,
      unattributed: breakdown.unattributed,
    }));
  }

  private async report<T extends ReportMeta>(
    request: StatsRequest,
    kind: ReportKind,
    shape: (meta: ReportMeta, breakdown: ReturnType<typeof buildRoiBreakdown>) => T,
  ): Promise<T> {
    const { tenantId } = request;
    const context = await this.context(request);
    const { status, resolved } = context;
    const connected = isConnected(status);

    const [attribution, insights] = await Promise.all([
      this.rpc.call(
        Rpc.crm.attributionSummary,
        { tenantId, since: resolved.crmSince, until: resolved.crmUntil },
        this.settings.rpcTimeoutMs,
      ),
      connected
        ? this.insights(tenantId, resolved)
        : Promise.resolve<InsightsOutcome>({ kind: 'not_connected', connection: status.state }),
    ]);

    if (insights.kind === 'failed') {
      return this.fromSnapshot<T>(snapshotKey(tenantId, kind, status, resolved), status, insights.error);
    }

    const meta = insights.kind === 'ok' ? insights.result : null;
    const currency = meta?.currency || context.currency;
    const salesCurrencies = [...new Set(attribution.salesCurrencies)].sort();
    const reportMeta: ReportMeta = {
      range: resolved.range,
      currency,
      salesCurrencies,
      currencyMismatch: hasCurrencyMismatch(currency, salesCurrencies),
      connection: insights.kind === 'ok' ? status.state : insights.connection,
      stale: meta?.stale ?? false,
    };
    const report = shape(reportMeta, buildRoiBreakdown(meta?.rows ?? [], attribution.rows));

    const key = meta && !meta.stale ? snapshotKey(tenantId, kind, status, resolved, meta.adAccountId) : null;
    if (key) {
      await this.snapshots.save(key, report, this.settings.now()).catch((error: unknown) => {
        this.logger.warn(`could not store the ${kind} snapshot: ${describe(error)}`);
      });
    }
    return report;
  }

  /** Connection, timezone (ad account's, else the tenant's) and currency, then the range in that timezone. */
  private async context(request: StatsRequest): Promise<ReportContext> {
    const { tenantId } = request;
    const status = await this.rpc.call(Rpc.meta.connectionStatus, { tenantId }, this.settings.rpcTimeoutMs);
    const account = status.adAccount;
    let timezone = account && isValidTimezone(account.timezone) ? account.timezone : null;
    let currency = account?.currency || null;
    if (!timezone || !currency) {
      const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId }, this.settings.rpcTimeoutMs);
      currency ||= tenant.currency;
      if (!timezone) {
        if (isValidTimezone(tenant.timezone)) {
          timezone = tenant.timezone;
        } else {
          this.logger.warn(`tenant ${tenantId} has no usable timezone; reporting in UTC`);
          timezone = 'UTC';
        }
      }
    }
    const resolved = resolveReportRange(request, timezone, this.settings.now());
    return { status, currency, resolved };
  }

  private async insights(tenantId: string, resolved: ResolvedRange): Promise<InsightsOutcome> {
    try {
      const result = await this.rpc.call(
        Rpc.meta.adInsights,
        { tenantId, since: resolved.range.since, until: resolved.range.until },
        this.settings.insightsTimeoutMs,
      );
      return { kind: 'ok', result };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'META_NOT_CONNECTED') return { kind: 'not_connected', connection: 'disconnected' };
      if (error.code === 'META_TOKEN_EXPIRED') return { kind: 'not_connected', connection: 'expired' };
      if (SNAPSHOT_FALLBACK_CODES.has(error.code)) return { kind: 'failed', error };
      throw error;
    }
  }

  private async fromSnapshot<T extends ReportMeta>(
    key: SnapshotKey | null,
    status: ConnectionStatus,
    error: DomainError,
  ): Promise<T> {
    const snapshot = key ? await this.snapshots.find<T>(key) : null;
    if (!snapshot) throw error;
    this.logger.warn(
      `Meta failed (${error.code}); serving the ${key!.kind} snapshot of ${describeKey(key!)}`,
    );
    return {
      ...snapshot.payload,
      connection: status.state,
      stale: true,
      snapshotAt: snapshot.computedAt.toISOString(),
    };
  }
}

function isConnected(status: ConnectionStatus): boolean {
  return status.state === 'connected' && status.setupComplete && status.adAccount !== null;
}

function snapshotKey(
  tenantId: string,
  kind: ReportKind,
  status: ConnectionStatus,
  resolved: ResolvedRange,
  adAccountId = status.adAccount?.id,
): SnapshotKey | null {
  if (!adAccountId) return null;
  const { preset, since, until } = resolved.range;
  return { tenantId, kind, adAccountId, preset, since, until };
}

function describeKey(key: SnapshotKey): string {
  return `${key.preset} ${key.since}..${key.until}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
