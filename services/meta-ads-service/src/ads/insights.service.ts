import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  type AdInsightsIfChangedRequest,
  type AdInsightsNotModified,
  type AdInsightsRequest,
  type AdInsightsResult,
} from '@crm/contracts';
import { DateTime } from 'luxon';
import { TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { isTransientDomainError } from '../graph/meta-api-error';
import { MetaAdsConfig } from '../config';
import { AdCatalogService } from './ad-catalog.service';
import { INSIGHTS_PAGE_LIMIT, InsightsReportRuns, needsReportRun, rangeDays } from './insights-report-run';
import { InsightsCacheEntity } from './insights-cache.entity';
import { InsightsFillLock, type Filled } from './insights-fill-lock';
import { accountDays, mergeInsights, type GraphDayRow, type GraphInsightRow } from './insights-rows';

/** Meta refreshes insights every 15 minutes (REFERENCE §4.5): an answer younger than that is served as is. */
export const INSIGHTS_FRESH_MS = 15 * 60 * 1000;
/** The ad catalogue is re-synced with insights when older than this. */
export const CATALOG_MAX_AGE_MS = 60 * 60 * 1000;

const INSIGHT_FIELDS = 'campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,spend,impressions,clicks';
const DAY_FIELDS = 'spend,impressions,clicks';

/** Both dates real calendar dates, `since` first (else VALIDATION). */
function checkRange({ since, until }: AdInsightsRequest): void {
  for (const [name, value] of [
    ['since', since],
    ['until', until],
  ]) {
    if (!DateTime.fromISO(value, { zone: 'utc' }).isValid) {
      throw new DomainError('VALIDATION', `${name} is not a valid calendar date`);
    }
  }
  if (since > until) throw new DomainError('VALIDATION', 'since must be on or before until');
}

/** Younger than Meta's refresh interval, and from a version that stored the daily series. */
function isFresh(entry: InsightsCacheEntity | null): entry is InsightsCacheEntity {
  return !!entry && !!entry.payload.days && Date.now() - entry.fetchedAt.getTime() < INSIGHTS_FRESH_MS;
}

@Injectable()
export class InsightsService {
  private readonly logger = new Logger('InsightsService');

  constructor(
    private readonly db: TenantDatabase,
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
    private readonly catalog: AdCatalogService,
    private readonly reportRuns: InsightsReportRuns,
    private readonly config: MetaAdsConfig,
    private readonly fillLock: InsightsFillLock,
  ) {}

  /** `fn` with the cache's repository in a transaction scoped to the tenant. */
  private cache<T>(tenantId: string, fn: (cache: Repository<InsightsCacheEntity>) => Promise<T>): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(InsightsCacheEntity)));
  }

  async adInsights(request: AdInsightsRequest): Promise<AdInsightsResult> {
    checkRange(request);
    const { connection, adAccountId } = await this.connected(request);
    return this.answer(request, connection, adAccountId);
  }

  /**
   * The caller holds an answer of the range (`adAccountId`, `fetchedAt`): when it is still the fresh cached one, say
   * so without sending it again — only the cache row's `fetched_at` is read, not its payload. Else the full answer.
   */
  async adInsightsIfChanged(
    request: AdInsightsIfChangedRequest,
  ): Promise<AdInsightsResult | AdInsightsNotModified> {
    checkRange(request);
    const { tenantId, since, until } = request;
    // The connection and the held answer's cache row are read at once (the row of the account the caller names).
    const [{ connection, adAccountId }, fetchedAt] = await Promise.all([
      this.connected(request),
      this.cache(tenantId, async (cache) => {
        const row = await cache.findOne({
          select: { fetchedAt: true },
          where: { tenantId, adAccountId: request.adAccountId, since, until },
        });
        return row?.fetchedAt ?? null;
      }),
    ]);
    if (
      adAccountId === request.adAccountId &&
      fetchedAt &&
      fetchedAt.toISOString() === request.fetchedAt &&
      Date.now() - fetchedAt.getTime() < INSIGHTS_FRESH_MS
    ) {
      return { notModified: true, adAccountId, fetchedAt: request.fetchedAt };
    }
    return this.answer(request, connection, adAccountId);
  }

  /** The tenant's connection with its ad account (else META_NOT_CONNECTED). */
  private async connected(request: AdInsightsRequest) {
    const connection = await this.connections.find(request.tenantId);
    if (!connection || connection.state === 'disconnected' || !connection.adAccountId) {
      throw new DomainError('META_NOT_CONNECTED', 'no Meta ad account is connected for this account');
    }
    return { connection, adAccountId: connection.adAccountId };
  }

  /** The fresh cached answer, else one fill (single flight across replicas). */
  private async answer(
    request: AdInsightsRequest,
    connection: { currency: string | null; timezone: string | null },
    adAccountId: string,
  ): Promise<AdInsightsResult> {
    const { tenantId, since, until } = request;
    const findCached = () =>
      this.cache(tenantId, (cache) => cache.findOneBy({ tenantId, adAccountId, since, until }));
    const cached = await findCached();
    if (isFresh(cached)) return this.fromCache(adAccountId, cached, false);
    // Concurrent cold requests for the same range (any replica) make one set of Meta calls; the others read it.
    return this.fillLock.singleFlight(
      `${tenantId}:${adAccountId}:${since}:${until}`,
      async () => {
        const stored = await findCached();
        return isFresh(stored) ? this.fromCache(adAccountId, stored, false) : null;
      },
      () => this.fill(tenantId, adAccountId, connection, since, until, cached),
    );
  }

  /**
   * Ask Meta (ad level for the range, account level per day; the catalogue alongside), and answer; the answer is
   * stored in the background (`stored`): the fill lock is held until it is, so a request waiting for this fill (any
   * replica) reads it.
   */
  private async fill(
    tenantId: string,
    adAccountId: string,
    connection: { currency: string | null; timezone: string | null },
    since: string,
    until: string,
    cached: InsightsCacheEntity | null,
  ): Promise<Filled<AdInsightsResult>> {
    try {
      const { token } = await this.connections.requireActive(tenantId);
      const timeRange = JSON.stringify({ since, until });
      // Ad level through a report run when the range is long or Meta asks for one (fetchAdRows).
      const adRows = () => this.fetchAdRows(tenantId, adAccountId, token, since, until);
      // The account's spend per day: synchronous, or a report run like the ad rows when Meta asks for one.
      const accountDayRows = () =>
        this.fetchRows<GraphDayRow>(tenantId, adAccountId, token, since, until, {
          level: 'account',
          fields: DAY_FIELDS,
          time_range: timeRange,
          time_increment: '1',
        });
      // The catalogue's names (re-synced from Meta when older than CATALOG_MAX_AGE_MS).
      const catalogue = async () => {
        const current = await this.catalog.insightsCatalogue(tenantId, adAccountId);
        const age = current.lastSyncedAt ? Date.now() - current.lastSyncedAt.getTime() : Infinity;
        if (age <= CATALOG_MAX_AGE_MS) return current.entries;
        await this.catalog.syncAccount(tenantId, adAccountId, token);
        return (await this.catalog.insightsCatalogue(tenantId, adAccountId)).entries;
      };
      // All at once, unless the breaker is testing Meta again (half-open lets one call through): then one by one.
      const [metaRows, dayRows, entries] =
        this.graph.breakerState(tenantId, 'ads') === 'closed'
          ? await Promise.all([adRows(), accountDayRows(), catalogue()])
          : [await adRows(), await accountDayRows(), await catalogue()];
      const rows = mergeInsights(metaRows, entries);
      const known = new Set(entries.map((ad) => ad.adId));
      const unknownToCatalogue = rows.filter((row) => !known.has(row.adId) && row.adsetId && row.campaignId);
      if (unknownToCatalogue.length > 0) {
        await this.catalog.upsert(
          tenantId,
          unknownToCatalogue.map((row) => ({
            adId: row.adId,
            adAccountId,
            adName: row.adName,
            adsetId: row.adsetId,
            adsetName: row.adsetName,
            campaignId: row.campaignId,
            campaignName: row.campaignName,
            effectiveStatus: null,
          })),
          true,
        );
      }
      const entry: InsightsCacheEntity = {
        tenantId,
        adAccountId,
        since,
        until,
        payload: {
          rows,
          days: accountDays(dayRows),
          currency: connection.currency ?? '',
          timezone: connection.timezone ?? '',
        },
        fetchedAt: new Date(),
      };
      const stored = this.cache(tenantId, (cache) =>
        cache.upsert(entry, ['tenantId', 'adAccountId', 'since', 'until']),
      ).catch((error: unknown) => {
        // Not stored: the next request asks Meta again.
        this.logger.warn(
          `tenant ${tenantId}: insights ${since}..${until} not cached: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      return { value: this.fromCache(adAccountId, entry, false), stored };
    } catch (error) {
      if (cached && isTransientDomainError(error)) {
        this.logger.warn(
          `tenant ${tenantId}: serving cached insights from ${cached.fetchedAt.toISOString()} (${error.code})`,
        );
        return { value: this.fromCache(adAccountId, cached, true), stored: Promise.resolve() };
      }
      throw error;
    }
  }

  /**
   * Meta's insights per ad for the range: a synchronous read, or an asynchronous report run for a range longer than
   * `INSIGHTS_ASYNC_AFTER_DAYS` or when Meta answers the synchronous read with "too much data" / a timeout.
   */
  private fetchAdRows(
    tenantId: string,
    adAccountId: string,
    token: string,
    since: string,
    until: string,
  ): Promise<GraphInsightRow[]> {
    return this.fetchRows<GraphInsightRow>(tenantId, adAccountId, token, since, until, {
      level: 'ad',
      fields: INSIGHT_FIELDS,
      time_range: JSON.stringify({ since, until }),
    });
  }

  /**
   * Insights rows of the account for a query: through an asynchronous report run for a range longer than
   * INSIGHTS_ASYNC_AFTER_DAYS, or when the synchronous read is too big or too slow for Meta (`needsReportRun`).
   */
  private async fetchRows<T>(
    tenantId: string,
    adAccountId: string,
    token: string,
    since: string,
    until: string,
    query: Record<string, string>,
  ): Promise<T[]> {
    const request = { tenantId, family: 'ads' as const, token, storedToken: true };
    if (rangeDays(since, until) > this.config.INSIGHTS_ASYNC_AFTER_DAYS) {
      return (await this.reportRuns.read(request, adAccountId, query)) as T[];
    }
    try {
      return await this.graph.getAll<T>({
        ...request,
        path: `${adAccountId}/insights`,
        query: { ...query, limit: INSIGHTS_PAGE_LIMIT },
      });
    } catch (error) {
      if (!needsReportRun(error)) throw error;
      this.logger.log(`tenant ${tenantId}: synchronous insights too big or too slow; using a report run`);
      return (await this.reportRuns.read(request, adAccountId, query)) as T[];
    }
  }

  deleteForTenant(tenantId: string): Promise<unknown> {
    return this.cache(tenantId, (cache) => cache.delete({ tenantId }));
  }

  private fromCache(adAccountId: string, entry: InsightsCacheEntity, stale: boolean): AdInsightsResult {
    return {
      adAccountId,
      currency: entry.payload.currency,
      timezone: entry.payload.timezone,
      rows: entry.payload.rows,
      days: entry.payload.days ?? [],
      fetchedAt: entry.fetchedAt.toISOString(),
      stale,
    };
  }
}
