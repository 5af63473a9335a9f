import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_REPORT_VIEW,
  DomainError,
  Rpc,
  toJsonText,
  type AdInsightsResult,
  type ConnectionState,
  type IsoDate,
  type JsonText,
  type MarketingReport,
  type ReportMeta,
  type ReportRequest,
  type ReportView,
  type RoiReport,
  type StatsReport,
  type StatsRequest,
} from '@crm/contracts';
import { RpcClient, TenantDatabase, TtlCache } from '@crm/nest-common';
import { ReadModelBuilder } from '../read-model/read-model.builder';
import { ReadModelService } from '../read-model/read-model.service';
import { buildKpis, buildReport } from './report-builder';
import { ReportCache, type ReportCacheKind } from './report-cache';
import { ReportFactsStore, type AdFactSums, type DayFactSums } from './report-facts.store';
import { isValidTimezone, resolveReportRange, type ResolvedRange } from './report-range';
import { ReportSnapshotStore, type SnapshotKey } from './report-snapshot.store';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings';

/** Meta failures a last-good snapshot may stand in for; anything else is reported as is. */
const SNAPSHOT_FALLBACK_CODES = new Set(['META_RATE_LIMITED', 'META_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);
/** Insights answers kept in memory (one per tenant and range; ~1,000 ads is ~0.5 MB). */
const HELD_INSIGHTS = 100;
/** Snapshot keys remembered as stored (so a warm report does not store its snapshot again). */
const SNAPSHOTTED_KEYS = 1000;

type InsightsOutcome =
  | { kind: 'ok'; result: AdInsightsResult }
  | { kind: 'not_connected'; connection: ConnectionState }
  | { kind: 'failed'; error: DomainError };

type ReadModelSums = { byAd: AdFactSums[]; byDay: DayFactSums[]; historyStartsOn: IsoDate | null };

type ReportInputsOf<T> = {
  kind: 'inputs';
  tenantId: string;
  view: ReportView;
  resolved: ResolvedRange;
  insights: Exclude<InsightsOutcome, { kind: 'failed' }>;
  /** The read model's version, read before `read` started. */
  version: string;
  read: () => Promise<T>;
};

type ReadOf<T> = (tenantId: string, view: ReportView, resolved: ResolvedRange) => Promise<T>;

/**
 * The Marketing Hub report: one computation per (tenant, range, view) — KPIs, campaigns → ads, the daily series, the
 * funnel and the money per currency — from the read model (marketing-service's own tables, built from the CRM's
 * events) and Meta insights (meta-ads-service, single-flight cached). `/stats` and `/stats/roi` are views of it.
 *
 * The connection is read once per report, by meta-ads-service answering the insights (its answer says the ad
 * account, currency and timezone); the range is resolved in the read model's stored timezone, and when Meta's
 * differs the facts are re-bucketed first. A tenant that is not connected gets its CRM numbers (spend 0). When Meta
 * fails, the last good snapshot of the same range is served (stale), or the typed error.
 *
 * The report and ROI are answered as JSON text from a per-process cache (`ReportCache`) while what they were computed
 * from is unchanged: the read model's version (migration 1768900000401; read once per request, before the sums, so a
 * write in between leaves an entry that is never served) and Meta's answer (`fetchedAt` of its ad account, or the
 * connection state) with the currency. A stale or failed Meta answer is never cached.
 */
@Injectable()
export class ReportingService {
  private readonly logger = new Logger(ReportingService.name);
  /** Snapshot key → the insights `fetchedAt` last stored: a warm report does not rewrite its snapshot. */
  private readonly snapshotted = new TtlCache<string, string>({
    ttlMs: Number.POSITIVE_INFINITY,
    maxEntries: SNAPSHOTTED_KEYS,
  });
  /** (tenant, since, until) → the last full, non-stale insights answer of that range (`meta.insights.ads.if-changed`). */
  private readonly heldInsights = new TtlCache<string, AdInsightsResult>({
    ttlMs: Number.POSITIVE_INFINITY,
    maxEntries: HELD_INSIGHTS,
  });
  private readonly cache: ReportCache;

  constructor(
    private readonly rpc: RpcClient,
    private readonly db: TenantDatabase,
    private readonly facts: ReportFactsStore,
    private readonly readModel: ReadModelService,
    private readonly snapshots: ReportSnapshotStore,
    private readonly builds: ReadModelBuilder,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {
    this.cache = new ReportCache(settings.cacheMaxBytes);
  }

  /**
   * The report's KPIs (the dashboard's card). Once the range's report is stored as its snapshot for this insights
   * answer, they come from the per-day totals and the insights alone (buildKpis): no per-ad read, join or snapshot.
   * Until then — the first call of each insights answer, a stale answer excepted — the full report is built, so a
   * dashboard that only ever asks for stats still leaves the snapshot a Meta outage is served from.
   */
  async stats(request: StatsRequest & { view?: ReportView }): Promise<StatsReport> {
    const inputs = await this.inputs(request, (tenantId, view, resolved) =>
      this.db.withTenant(tenantId, (db) =>
        this.facts.dayTotals(db, tenantId, view, resolved.range.since, resolved.range.until),
      ),
    );
    if (inputs.kind === 'snapshot') return statsOf(inputs.report);
    const { tenantId, view, resolved, insights } = inputs;
    const meta = insights.kind === 'ok' ? insights.result : null;
    if (
      meta &&
      !meta.stale &&
      !this.snapshotStored(snapshotKey(tenantId, view, resolved, meta.adAccountId), meta)
    ) {
      const read = pendingRead(() => this.readSums(tenantId, view, resolved), true);
      return statsOf(await this.assemble({ ...inputs, read }, await this.currencyOf(tenantId, meta)));
    }
    const { until } = resolved.range;
    const [currency, byDay] = await Promise.all([this.currencyOf(tenantId, meta), inputs.read()]);
    const foreignCurrencies = [
      ...new Set(byDay.filter((r) => r.currency !== '' && r.currency !== currency).map((r) => r.currency)),
    ];
    const rates =
      foreignCurrencies.length === 0
        ? []
        : await this.db.withTenant(tenantId, (db) =>
            this.facts.rates(db, tenantId, foreignCurrencies, currency, until),
          );
    const { kpis, salesCurrencies } = buildKpis({ currency, insights: meta, byDay, rates });
    return {
      range: resolved.range,
      currency,
      salesCurrencies,
      currencyMismatch: salesCurrencies.some((code) => code !== currency),
      connection: insights.kind === 'ok' ? 'connected' : insights.connection,
      stale: meta?.stale ?? false,
      totals: kpis,
    };
  }

  /** The report as JSON text (see the class: cached per inputs). */
  report(request: ReportRequest): Promise<JsonText<MarketingReport>> {
    return this.serialised('report', request, (report) => report);
  }

  /** The report's campaigns → ads and unattributed, as JSON text (cached like the report). */
  roi(request: StatsRequest & { view?: ReportView }): Promise<JsonText<RoiReport>> {
    return this.serialised('roi', request, (report) => ({
      ...metaOf(report),
      campaigns: report.campaigns,
      unattributed: report.unattributed,
    }));
  }

  /**
   * `viewOf` the report, serialised: from the cache when its key (kind, tenant, view, resolved range), read-model
   * version and Meta answer are those of a text built before; else built (once for concurrent identical requests)
   * and cached. The sums are read while Meta answers unless the cache holds this key at this version (then Meta's
   * answer is most likely the same, and the sums are not needed).
   */
  private async serialised<T>(
    kind: ReportCacheKind,
    request: ReportRequest,
    viewOf: (report: MarketingReport) => T,
  ): Promise<JsonText<T>> {
    const inputs = await this.inputs(
      request,
      (tenantId, view, resolved) => this.readSums(tenantId, view, resolved),
      (tenantId, view, resolved, version) =>
        !this.cache.holds(cacheKey(kind, tenantId, view, resolved), version),
    );
    if (inputs.kind === 'snapshot') {
      const { report } = inputs;
      return this.cache.uncached(kind, async () => toJsonText(viewOf(report)));
    }
    const { tenantId, view, resolved, insights, version } = inputs;
    const meta = insights.kind === 'ok' ? insights.result : null;
    const currency = await this.currencyOf(tenantId, meta);
    const build = async () => toJsonText(viewOf(await this.assemble(inputs, currency)));
    if (meta?.stale) return this.cache.uncached(kind, build);
    const answer =
      insights.kind === 'ok'
        ? `connected ${insights.result.adAccountId} ${insights.result.fetchedAt} ${currency}`
        : `${insights.connection} ${currency}`;
    return this.cache.getOrBuild(kind, cacheKey(kind, tenantId, view, resolved), { version, answer }, build);
  }

  /**
   * What a report of the request stands on: the read model's version, the range (in Meta's timezone when connected,
   * the read model re-bucketed to it first), Meta's insights and `read` of the read model — started while
   * meta-ads-service answers (its sums do not depend on Meta's answer) when `readAhead`, else at its first use. When
   * Meta fails: the last good snapshot of the range (or the typed error).
   */
  private async inputs<T>(
    request: ReportRequest,
    read: ReadOf<T>,
    readAhead: (
      tenantId: string,
      view: ReportView,
      resolved: ResolvedRange,
      version: string,
    ) => boolean = () => true,
  ): Promise<ReportInputsOf<T> | { kind: 'snapshot'; report: MarketingReport }> {
    const { tenantId } = request;
    const view = request.view ?? DEFAULT_REPORT_VIEW;
    await this.builds.ensureBuilt(tenantId);
    const start = (resolved: ResolvedRange, version: string) =>
      pendingRead(() => read(tenantId, view, resolved), readAhead(tenantId, view, resolved, version));
    // The version before anything the report reads (the timezone is part of the cache key).
    let [version, timezone] = await this.readModel.timezoneAfter(tenantId, (db) =>
      this.facts.version(db, tenantId),
    );
    let resolved = resolveReportRange(request, timezone, this.settings.now());
    let reading = start(resolved, version);
    let insights = await this.insights(tenantId, resolved);
    const metaZone = insights.kind === 'ok' ? insights.result.timezone : null;
    if (isValidTimezone(metaZone) && metaZone !== timezone) {
      // The ad account (or its timezone) changed since the facts were bucketed: what was read is in the old days.
      await this.readModel.rebucket(tenantId, metaZone);
      version = await this.versionOf(tenantId);
      timezone = metaZone;
      const again = resolveReportRange(request, timezone, this.settings.now());
      if (again.range.since !== resolved.range.since || again.range.until !== resolved.range.until) {
        insights = await this.insights(tenantId, again);
      }
      resolved = again;
      reading = start(resolved, version);
    }
    if (insights.kind === 'failed') {
      return { kind: 'snapshot', report: await this.fromSnapshot(tenantId, view, resolved, insights.error) };
    }
    return { kind: 'inputs', tenantId, view, resolved, insights, version, read: reading };
  }

  private versionOf(tenantId: string): Promise<string> {
    return this.db.withTenant(tenantId, (db) => this.facts.version(db, tenantId));
  }

  /** The full report in `currency`: campaigns → ads, the daily series, the funnel and the money per currency. */
  private async assemble(inputs: ReportInputsOf<ReadModelSums>, currency: string): Promise<MarketingReport> {
    const { tenantId, view, resolved, insights } = inputs;
    const meta = insights.kind === 'ok' ? insights.result : null;
    const { since, until } = resolved.range;
    const read = await inputs.read();
    // Sales in other currencies are converted day by day: their sums per day and the rates (rarely needed).
    const foreignCurrencies = [
      ...new Set(
        read.byAd.filter((r) => r.currency !== '' && r.currency !== currency).map((r) => r.currency),
      ),
    ];
    const { foreign, rates } =
      foreignCurrencies.length === 0
        ? { foreign: [], rates: [] }
        : await this.db.withTenant(tenantId, async (db) => ({
            foreign: await this.facts.foreign(db, tenantId, view, since, until, foreignCurrencies),
            rates: await this.facts.rates(db, tenantId, foreignCurrencies, currency, until),
          }));
    const body = buildReport({
      currency,
      since,
      until,
      insights: meta,
      byAd: read.byAd,
      byDay: read.byDay,
      foreign,
      rates,
    });
    const report: MarketingReport = {
      range: resolved.range,
      view,
      currency,
      salesCurrencies: body.salesCurrencies,
      currencyMismatch: body.salesCurrencies.some((code) => code !== currency),
      connection: insights.kind === 'ok' ? 'connected' : insights.connection,
      stale: meta?.stale ?? false,
      kpis: body.kpis,
      campaigns: body.campaigns,
      unattributed: body.unattributed,
      daily: body.daily,
      funnel: body.funnel,
      revenueByCurrency: body.revenueByCurrency,
      crmHistoryStartsOn: read.historyStartsOn,
      rangeExceedsHistory: read.historyStartsOn === null || since < read.historyStartsOn,
    };
    if (meta && !meta.stale)
      this.saveSnapshot(snapshotKey(tenantId, view, resolved, meta.adAccountId), report, meta);
    return report;
  }

  /** The report's currency: the ad account's, or the tenant's when not connected. */
  private async currencyOf(tenantId: string, meta: AdInsightsResult | null): Promise<string> {
    return (
      meta?.currency ||
      this.rpc.call(Rpc.crm.getTenant, { tenantId }, this.settings.rpcTimeoutMs).then((t) => t.currency)
    );
  }

  /**
   * Meta insights of the range; meta-ads-service reads the connection (once) to answer. The last full answer of each
   * range is kept here: with it, meta-ads-service is asked whether it is still the cached one ("not modified": ~1,000
   * rows are not read, sent and parsed again on every report).
   */
  private async insights(tenantId: string, resolved: ResolvedRange): Promise<InsightsOutcome> {
    const { since, until } = resolved.range;
    const key = `${tenantId}:${since}:${until}`;
    const held = this.heldInsights.get(key);
    try {
      const answer = held
        ? await this.rpc.call(
            Rpc.meta.adInsightsIfChanged,
            { tenantId, since, until, adAccountId: held.adAccountId, fetchedAt: held.fetchedAt },
            this.settings.insightsTimeoutMs,
          )
        : await this.rpc.call(
            Rpc.meta.adInsights,
            { tenantId, since, until },
            this.settings.insightsTimeoutMs,
          );
      if ('notModified' in answer) return { kind: 'ok', result: held! };
      if (answer.stale) this.heldInsights.delete(key);
      else this.heldInsights.set(key, answer);
      return { kind: 'ok', result: answer };
    } catch (error) {
      this.heldInsights.delete(key);
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'META_NOT_CONNECTED') return { kind: 'not_connected', connection: 'disconnected' };
      if (error.code === 'META_TOKEN_EXPIRED') return { kind: 'not_connected', connection: 'expired' };
      if (SNAPSHOT_FALLBACK_CODES.has(error.code)) return { kind: 'failed', error };
      throw error;
    }
  }

  /** The read model's sums of the range per ad and per day, and the first day of its history. */
  private readSums(tenantId: string, view: ReportView, resolved: ResolvedRange): Promise<ReadModelSums> {
    const { since, until } = resolved.range;
    return this.db.withTenant(tenantId, async (db) => ({
      ...(await this.facts.sums(db, tenantId, view, since, until)),
      historyStartsOn: await this.facts.historyStartsOn(db, tenantId),
    }));
  }

  /** Store the report as its range's last good one, in the background, once per insights answer. */
  private saveSnapshot(key: SnapshotKey, report: MarketingReport, meta: AdInsightsResult): void {
    if (this.snapshotStored(key, meta)) return;
    const id = JSON.stringify(key);
    this.snapshotted.set(id, meta.fetchedAt);
    this.snapshots.save(key, report, this.settings.now()).catch((error: unknown) => {
      this.snapshotted.delete(id);
      this.logger.warn(`could not store the ${key.kind} snapshot: ${describe(error)}`);
    });
  }

  /** The report of this key and insights answer is stored as its snapshot (or being stored) by this process. */
  private snapshotStored(key: SnapshotKey, meta: AdInsightsResult): boolean {
    return this.snapshotted.get(JSON.stringify(key)) === meta.fetchedAt;
  }

  /** Meta is failing: the last good report of the same range and ad account (found by reading the connection). */
  private async fromSnapshot(
    tenantId: string,
    view: ReportView,
    resolved: ResolvedRange,
    error: DomainError,
  ): Promise<MarketingReport> {
    const status = await this.rpc.call(Rpc.meta.connectionStatus, { tenantId }, this.settings.rpcTimeoutMs);
    const key = status.adAccount ? snapshotKey(tenantId, view, resolved, status.adAccount.id) : null;
    const snapshot = key ? await this.snapshots.find<MarketingReport>(key) : null;
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

/**
 * A read started now (`ahead`) or at its first use, once either way. Its failure is marked handled at the start: a
 * read started ahead may end up not wanted (Meta failed, the facts were re-bucketed, the cache answered).
 */
function pendingRead<T>(start: () => Promise<T>, ahead: boolean): () => Promise<T> {
  let read: Promise<T> | null = null;
  const get = () => {
    if (!read) {
      read = start();
      read.catch(() => undefined);
    }
    return read;
  };
  if (ahead) get();
  return get;
}

function cacheKey(
  kind: ReportCacheKind,
  tenantId: string,
  view: ReportView,
  resolved: ResolvedRange,
): string {
  const { preset, since, until, timezone } = resolved.range;
  return [kind, tenantId, view, preset, since, until, timezone].join(' ');
}

function statsOf(report: MarketingReport): StatsReport {
  return { ...metaOf(report), totals: report.kpis };
}

function metaOf(report: MarketingReport): ReportMeta {
  const meta: ReportMeta = {
    range: report.range,
    currency: report.currency,
    salesCurrencies: report.salesCurrencies,
    currencyMismatch: report.currencyMismatch,
    connection: report.connection,
    stale: report.stale,
  };
  if (report.snapshotAt) meta.snapshotAt = report.snapshotAt;
  return meta;
}

function snapshotKey(
  tenantId: string,
  view: ReportView,
  resolved: ResolvedRange,
  adAccountId: string,
): SnapshotKey {
  const { preset, since, until } = resolved.range;
  return { tenantId, kind: `report_${view}`, adAccountId, preset, since, until };
}

function describeKey(key: SnapshotKey): string {
  return `${key.preset} ${key.since}..${key.until}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
