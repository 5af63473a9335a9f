import { Injectable, Logger } from '@nestjs/common';
import { DomainError, type AdInsightsRequest, type AdInsightsResult } from '@crm/contracts';
import { DateTime } from 'luxon';
import { TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { isTransientDomainError } from '../graph/meta-api-error';
import { MetaAdsConfig } from '../config';
import { AdCatalogService } from './ad-catalog.service';
import { InsightsReportRuns, needsReportRun, rangeDays } from './insights-report-run';
import { InsightsCacheEntity } from './insights-cache.entity';
import { mergeInsights, type GraphInsightRow } from './insights-rows';

/** Meta refreshes insights every 15 minutes (REFERENCE §4.5): an answer younger than that is served as is. */
export const INSIGHTS_FRESH_MS = 15 * 60 * 1000;
/** The ad catalogue is re-synced with insights when older than this. */
export const CATALOG_MAX_AGE_MS = 60 * 60 * 1000;

const INSIGHT_FIELDS = 'campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,spend,impressions,clicks';

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
  ) {}

  /** `fn` with the cache's repository in a transaction scoped to the tenant. */
  private cache<T>(tenantId: string, fn: (cache: Repository<InsightsCacheEntity>) => Promise<T>): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(InsightsCacheEntity)));
  }

  async adInsights(request: AdInsightsRequest): Promise<AdInsightsResult> {
    const { tenantId, since, until } = request;
    for (const [name, value] of [
      ['since', since],
      ['until', until],
    ]) {
      if (!DateTime.fromISO(value, { zone: 'utc' }).isValid) {
        throw new DomainError('VALIDATION', `${name} is not a valid calendar date`);
      }
    }
    if (since > until) throw new DomainError('VALIDATION', 'since must be on or before until');
    const connection = await this.connections.find(tenantId);
    if (!connection || connection.state === 'disconnected' || !connection.adAccountId) {
      throw new DomainError('META_NOT_CONNECTED', 'no Meta ad account is connected for this account');
    }
    const adAccountId = connection.adAccountId;
    const cached = await this.cache(tenantId, (cache) =>
      cache.findOneBy({ tenantId, adAccountId, since, until }),
    );
    if (cached && Date.now() - cached.fetchedAt.getTime() < INSIGHTS_FRESH_MS) {
      return this.fromCache(adAccountId, cached, false);
    }
    try {
      const { token } = await this.connections.requireActive(tenantId);
      const metaRows = await this.fetchAdRows(tenantId, adAccountId, token, since, until);
      const lastSync = await this.catalog.lastSyncedAt(tenantId, adAccountId);
      if (!lastSync || Date.now() - lastSync.getTime() > CATALOG_MAX_AGE_MS) {
        await this.catalog.syncAccount(tenantId, adAccountId, token);
      }
      const catalogue = await this.catalog.listForAccount(tenantId, adAccountId);
      const rows = mergeInsights(metaRows, catalogue);
      const known = new Set(catalogue.map((ad) => ad.adId));
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
        payload: { rows, currency: connection.currency ?? '', timezone: connection.timezone ?? '' },
        fetchedAt: new Date(),
      };
      await this.cache(tenantId, (cache) =>
        cache.upsert(entry, ['tenantId', 'adAccountId', 'since', 'until']),
      );
      return this.fromCache(adAccountId, entry, false);
    } catch (error) {
      if (cached && isTransientDomainError(error)) {
        this.logger.warn(
          `tenant ${tenantId}: serving cached insights from ${cached.fetchedAt.toISOString()} (${error.code})`,
        );
        return this.fromCache(adAccountId, cached, true);
      }
      throw error;
    }
  }

  /**
   * Meta's insights per ad for the range: a synchronous read, or an asynchronous report run for a range longer than
   * `INSIGHTS_ASYNC_AFTER_DAYS` or when Meta answers the synchronous read with "too much data" / a timeout.
   */
  private async fetchAdRows(
    tenantId: string,
    adAccountId: string,
    token: string,
    since: string,
    until: string,
  ): Promise<GraphInsightRow[]> {
    const request = { tenantId, family: 'ads' as const, token, storedToken: true };
    const query = { level: 'ad', fields: INSIGHT_FIELDS, time_range: JSON.stringify({ since, until }) };
    if (rangeDays(since, until) > this.config.INSIGHTS_ASYNC_AFTER_DAYS) {
      return this.reportRuns.read(request, adAccountId, query);
    }
    try {
      return await this.graph.getAll<GraphInsightRow>({
        ...request,
        path: `${adAccountId}/insights`,
        query: { ...query, limit: 500 },
      });
    } catch (error) {
      if (!needsReportRun(error)) throw error;
      this.logger.log(`tenant ${tenantId}: synchronous insights too big or too slow; using a report run`);
      return this.reportRuns.read(request, adAccountId, query);
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
      fetchedAt: entry.fetchedAt.toISOString(),
      stale,
    };
  }
}
