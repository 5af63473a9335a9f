import { Injectable } from '@nestjs/common';
import type { MetaWebhookPartMessage } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';

/** What a webhook is routed by: a WhatsApp number, a WhatsApp Business account or a Facebook Page. */
export type AssetKind = 'phone_number' | 'waba' | 'page';
export type AssetRef = { kind: AssetKind; id: string };

/** The assets a connection held when it was disconnected. */
export type ReleasedAssets = {
  phoneNumberId: string | null;
  wabaId: string | null;
  pageIds: readonly string[];
};

export const RELEASED_TABLE = 'meta_ads.released_assets';
export const HELD_TABLE = 'meta_ads.held_webhooks';

/** `<sha256 of the body>:<entry>:<change>`: one webhook part, whichever delivery brought it. */
export const partKey = (part: MetaWebhookPartMessage): string =>
  `${part.bodySha256}:${part.entryIndex ?? '-'}:${part.changeIndex ?? '-'}`;

/**
 * `released_assets` and `held_webhooks`: who last held an asset nobody routes any more, and the webhook parts kept
 * for that tenant until it reconnects with the asset (or `HELD_WEBHOOK_RETENTION_HOURS` pass).
 */
@Injectable()
export class HeldWebhooksStore {
  constructor(
    private readonly db: TenantDatabase,
    private readonly config: MetaAdsConfig,
  ) {}

  private get retentionSeconds(): number {
    return this.config.HELD_WEBHOOK_RETENTION_HOURS * 3600;
  }

  /** A disconnect: the tenant was the owner of these assets as of now. */
  async recordRelease(tenantId: string, assets: ReleasedAssets): Promise<void> {
    const refs: AssetRef[] = [
      ...(assets.phoneNumberId ? [{ kind: 'phone_number' as const, id: assets.phoneNumberId }] : []),
      ...(assets.wabaId ? [{ kind: 'waba' as const, id: assets.wabaId }] : []),
      ...assets.pageIds.map((id) => ({ kind: 'page' as const, id })),
    ];
    if (refs.length === 0) return;
    await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO ${RELEASED_TABLE} (tenant_id, asset_kind, asset_id, released_at)
         SELECT $1, kind, id, now() FROM unnest($2::text[], $3::text[]) AS a(kind, id)
         ON CONFLICT (tenant_id, asset_kind, asset_id) DO UPDATE SET released_at = excluded.released_at`,
        [tenantId, refs.map((r) => r.kind), refs.map((r) => r.id)],
      ),
    );
  }

  /**
   * The tenant that released this asset last, within the retention (a system query: it routes a webhook nobody is
   * connected to), or null.
   */
  async lastHolder(asset: AssetRef): Promise<string | null> {
    const rows: { tenant_id: string }[] = await this.db.asSystem(
      'route a webhook to a disconnected tenant',
      (db) =>
        db.query(
          `SELECT tenant_id FROM ${RELEASED_TABLE}
            WHERE asset_kind = $1 AND asset_id = $2
              AND released_at > now() - make_interval(secs => $3::double precision)
            ORDER BY released_at DESC
            LIMIT 1`,
          [asset.kind, asset.id, this.retentionSeconds],
        ),
    );
    return rows[0]?.tenant_id ?? null;
  }

  /** Keep the part for the tenant; a part already kept (a redelivery) is not kept twice. True when newly kept. */
  async hold(tenantId: string, asset: AssetRef, part: MetaWebhookPartMessage): Promise<boolean> {
    const rows: unknown[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO ${HELD_TABLE} (tenant_id, asset_kind, asset_id, part_key, part, received_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (tenant_id, part_key) DO NOTHING
         RETURNING id`,
        [tenantId, asset.kind, asset.id, partKey(part), JSON.stringify(part), part.receivedAt],
      ),
    );
    return rows.length > 0;
  }

  /** Webhooks kept for the tenant and not yet processed (parked ones included: they are not lost either). */
  async heldCount(tenantId: string): Promise<number> {
    const rows: { count: number }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT count(*)::int AS count FROM ${HELD_TABLE} WHERE tenant_id = $1`, [tenantId]),
    );
    return rows[0].count;
  }

  /**
   * Delete what is older than the retention: held parts (by when they were kept) and releases. Returns the parts
   * deleted per tenant (for the log). A system query: it spans tenants.
   */
  async purgeExpired(): Promise<{ tenantId: string; count: number }[]> {
    return this.db.asSystem('purge expired held webhooks', async (db) => {
      const deleted: { tenant_id: string; count: number }[] = await db.query(
        `WITH gone AS (
           DELETE FROM ${HELD_TABLE}
            WHERE held_at <= now() - make_interval(secs => $1::double precision)
              AND (locked_until IS NULL OR locked_until <= now())
           RETURNING tenant_id
         )
         SELECT tenant_id, count(*)::int AS count FROM gone GROUP BY tenant_id`,
        [this.retentionSeconds],
      );
      await db.query(
        `DELETE FROM ${RELEASED_TABLE} WHERE released_at <= now() - make_interval(secs => $1::double precision)`,
        [this.retentionSeconds],
      );
      return deleted.map((row) => ({ tenantId: row.tenant_id, count: row.count }));
    });
  }
}
