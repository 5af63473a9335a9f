import { Injectable } from '@nestjs/common';
import { DomainError, type AdContext, type ResolvedAd } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { In, type Repository } from 'typeorm';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { AdEntity } from './ad.entity';
import type { CatalogEntry } from './insights-rows';

type GraphNamed = { id: string; name?: string };
/** Marketing API AdCreative fields the catalogue keeps. */
type GraphCreative = {
  id?: string;
  thumbnail_url?: string;
  image_url?: string;
  title?: string;
  body?: string;
};
type GraphAd = {
  id: string;
  name?: string;
  adset_id?: string;
  campaign_id?: string;
  account_id?: string;
  effective_status?: string;
  adset?: GraphNamed;
  campaign?: GraphNamed;
  creative?: GraphCreative;
};
type GraphAdSet = { id: string; name?: string; campaign_id?: string };

type CreativeColumns =
  'creativeId' | 'creativeThumbnailUrl' | 'creativeImageUrl' | 'creativeTitle' | 'creativeBody';
/** A catalogue row; the creative is absent when the source (an insights row) does not carry it. */
export type CatalogAd = Omit<AdEntity, 'tenantId' | 'syncedAt' | CreativeColumns> &
  Partial<Pick<AdEntity, CreativeColumns>>;

const CREATIVE_FIELDS = 'creative{id,thumbnail_url,image_url,title,body}';

/** The creative columns of a Graph ad (all null when Meta returned no creative). */
export function creativeColumns(creative: GraphCreative | undefined): Pick<AdEntity, CreativeColumns> {
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return {
    creativeId: text(creative?.id),
    creativeThumbnailUrl: text(creative?.thumbnail_url),
    creativeImageUrl: text(creative?.image_url),
    creativeTitle: text(creative?.title),
    creativeBody: text(creative?.body),
  };
}

/** A catalogue row as the lead 360 shows it. */
export function toAdContext(ad: AdEntity): AdContext {
  return {
    adId: ad.adId,
    known: true,
    adName: ad.adName,
    adsetId: ad.adsetId,
    adsetName: ad.adsetName,
    campaignId: ad.campaignId,
    campaignName: ad.campaignName,
    effectiveStatus: ad.effectiveStatus,
    thumbnailUrl: ad.creativeThumbnailUrl,
    imageUrl: ad.creativeImageUrl,
    title: ad.creativeTitle,
    body: ad.creativeBody,
  };
}

const CHUNK = 500;

/** The tenant's ad → ad set → campaign catalogue, synced from the Marketing API and used for attribution. */
@Injectable()
export class AdCatalogService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
  ) {}

  /** `fn` with the catalogue's repository in a transaction scoped to the tenant. */
  private ads<T>(tenantId: string, fn: (ads: Repository<AdEntity>) => Promise<T>): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(AdEntity)));
  }

  /** Pull every ad of the account (with ad set and campaign names) and upsert it. Returns the number of ads. */
  async syncAccount(tenantId: string, adAccountId: string, token: string): Promise<number> {
    const base = { tenantId, family: 'ads' as const, token, storedToken: true };
    const campaigns = await this.graph.getAll<GraphNamed>({
      ...base,
      path: `${adAccountId}/campaigns`,
      query: { fields: 'id,name', limit: 200 },
    });
    const adSets = await this.graph.getAll<GraphAdSet>({
      ...base,
      path: `${adAccountId}/adsets`,
      query: { fields: 'id,name,campaign_id', limit: 200 },
    });
    const ads = await this.graph.getAll<GraphAd>({
      ...base,
      path: `${adAccountId}/ads`,
      query: { fields: `id,name,adset_id,campaign_id,effective_status,${CREATIVE_FIELDS}`, limit: 200 },
    });
    const campaignNames = new Map(campaigns.map((c) => [c.id, c.name ?? '']));
    const adSetNames = new Map(adSets.map((s) => [s.id, s.name ?? '']));
    const rows: CatalogAd[] = ads
      .filter((ad) => typeof ad.id === 'string' && ad.adset_id && ad.campaign_id)
      .map((ad) => ({
        adId: ad.id,
        adAccountId,
        adName: ad.name ?? '',
        adsetId: ad.adset_id!,
        adsetName: adSetNames.get(ad.adset_id!) ?? ad.adset?.name ?? '',
        campaignId: ad.campaign_id!,
        campaignName: campaignNames.get(ad.campaign_id!) ?? ad.campaign?.name ?? '',
        effectiveStatus: ad.effective_status ?? null,
        ...creativeColumns(ad.creative),
      }));
    await this.upsert(tenantId, rows);
    return rows.length;
  }

  /**
   * Insert or refresh catalogue rows (tenant-scoped primary key: one row per tenant and ad). `keepExisting` (rows
   * from insights) leaves the stored status and creative as they are.
   */
  async upsert(tenantId: string, rows: CatalogAd[], keepExisting = false): Promise<void> {
    const syncedAt = new Date();
    const updated = [
      'ad_account_id',
      'ad_name',
      'adset_id',
      'adset_name',
      'campaign_id',
      'campaign_name',
      'synced_at',
    ];
    if (!keepExisting) {
      updated.push(
        'effective_status',
        'creative_id',
        'creative_thumbnail_url',
        'creative_image_url',
        'creative_title',
        'creative_body',
      );
    }
    await this.ads(tenantId, async (ads) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK).map((row) => ({ ...row, tenantId, syncedAt }));
        await ads
          .createQueryBuilder()
          .insert()
          .into(AdEntity)
          .values(chunk)
          .orUpdate(updated, ['tenant_id', 'ad_id'])
          .execute();
      }
    });
  }

  /**
   * What an insights answer needs of the account's catalogue — each ad's names — and when it was last synced, in one
   * read of the few columns it needs.
   */
  async insightsCatalogue(
    tenantId: string,
    adAccountId: string,
  ): Promise<{ entries: CatalogEntry[]; lastSyncedAt: Date | null }> {
    const rows = await this.ads(tenantId, (ads) =>
      ads.find({
        select: {
          adId: true,
          adName: true,
          adsetId: true,
          adsetName: true,
          campaignId: true,
          campaignName: true,
          syncedAt: true,
        },
        where: { tenantId, adAccountId },
        order: { campaignName: 'ASC', adsetName: 'ASC', adName: 'ASC', adId: 'ASC' },
      }),
    );
    let lastSyncedAt: Date | null = null;
    for (const row of rows) if (!lastSyncedAt || row.syncedAt > lastSyncedAt) lastSyncedAt = row.syncedAt;
    const entries = rows.map(({ adId, adName, adsetId, adsetName, campaignId, campaignName }) => ({
      adId,
      adName,
      adsetId,
      adsetName,
      campaignId,
      campaignName,
    }));
    return { entries, lastSyncedAt };
  }

  /** From the catalogue, else from Meta (then stored). Unknown to Meta → NOT_FOUND. */
  async resolve(tenantId: string, adId: string): Promise<ResolvedAd> {
    const known = await this.ads(tenantId, (ads) => ads.findOneBy({ tenantId, adId }));
    if (known) return toResolved(known);
    const { token } = await this.connections.requireActive(tenantId);
    const base = { tenantId, family: 'ads' as const, token, storedToken: true };
    let ad: GraphAd;
    try {
      ad = await this.graph.get<GraphAd>({
        ...base,
        path: adId,
        query: {
          fields: `id,name,adset_id,campaign_id,account_id,effective_status,adset{name},campaign{name},${CREATIVE_FIELDS}`,
        },
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'META_REJECTED' && error.details?.metaCode === 100) {
        throw new DomainError('NOT_FOUND', `ad ${adId} is unknown to Meta`);
      }
      throw error;
    }
    if (!ad.adset_id || !ad.campaign_id) throw new DomainError('NOT_FOUND', `${adId} is not an ad`);
    const campaignName =
      ad.campaign?.name ??
      (await this.graph.get<GraphNamed>({ ...base, path: ad.campaign_id, query: { fields: 'name' } })).name ??
      '';
    const adsetName =
      ad.adset?.name ??
      (await this.graph.get<GraphNamed>({ ...base, path: ad.adset_id, query: { fields: 'name' } })).name ??
      '';
    const row: CatalogAd = {
      adId: ad.id,
      adAccountId: ad.account_id ? `act_${ad.account_id.replace(/^act_/, '')}` : null,
      adName: ad.name ?? '',
      adsetId: ad.adset_id,
      adsetName,
      campaignId: ad.campaign_id,
      campaignName,
      effectiveStatus: ad.effective_status ?? null,
      ...creativeColumns(ad.creative),
    };
    await this.upsert(tenantId, [row]);
    return toResolved(row);
  }

  /** Names and creative of each asked ad from the catalogue only (no Meta call); ads not in it are `known: false`. */
  async context(tenantId: string, adIds: string[]): Promise<AdContext[]> {
    const wanted = [...new Set(adIds)];
    if (wanted.length === 0) return [];
    const rows = await this.ads(tenantId, (ads) => ads.findBy({ tenantId, adId: In(wanted) }));
    const byId = new Map(rows.map((row) => [row.adId, row]));
    return wanted.map((adId) => {
      const row = byId.get(adId);
      return row ? toAdContext(row) : { adId, known: false };
    });
  }

  deleteForTenant(tenantId: string): Promise<unknown> {
    return this.ads(tenantId, (ads) => ads.delete({ tenantId }));
  }
}

function toResolved(
  ad: Pick<AdEntity, 'adId' | 'adName' | 'adsetId' | 'campaignId' | 'campaignName'>,
): ResolvedAd {
  return {
    adId: ad.adId,
    adName: ad.adName,
    adsetId: ad.adsetId,
    campaignId: ad.campaignId,
    campaignName: ad.campaignName,
  };
}
