import { Injectable } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import type { LeadgenNotice } from '../webhooks/leadgen.service';

/** A Facebook Page a tenant chose (`meta_ads.pages`). */
export type PageRow = {
  page_id: string;
  tenant_id: string;
  name: string;
  chosen_at: Date;
  subscribed_at: Date | null;
};

/** Another tenant holding a Page, and whether its connection still counts (not `disconnected`). */
export type PageHolder = { page_id: string; name: string; tenant_id: string; active: boolean };

/** Who chose a Page, and whether that account's connection is active (not `disconnected`). */
export type PageOwner = { tenantId: string; active: boolean };

const COLUMNS = 'page_id, tenant_id, name, chosen_at, subscribed_at';

/**
 * `meta_ads.pages` (which tenant a Facebook Page belongs to) and `meta_ads.unrouted_leadgen` (Lead Ads leads of a
 * Page nobody chose yet). A Page has one owner: its primary key is the page id. Routing and the exclusive choice
 * are cross-tenant questions, asked in named system transactions.
 */
@Injectable()
export class PageStore {
  constructor(private readonly db: TenantDatabase) {}

  /**
   * The tenant that chose this Page and whether its connection is active (not `disconnected`: a disconnected
   * account keeps its Pages until it reconnects or another account chooses them), or null (a system query: routes
   * Lead Ads webhooks).
   */
  async ownerOf(pageId: string): Promise<PageOwner | null> {
    const rows: { tenant_id: string; active: boolean }[] = await this.db.asSystem(
      'route a webhook to its tenant',
      (db) =>
        db.query(
          `SELECT p.tenant_id, COALESCE(c.state <> 'disconnected', false) AS active
             FROM meta_ads.pages p
             LEFT JOIN meta_ads.connections c ON c.tenant_id = p.tenant_id
            WHERE p.page_id = $1`,
          [pageId],
        ),
    );
    return rows[0] ? { tenantId: rows[0].tenant_id, active: rows[0].active } : null;
  }

  /** The tenant's Pages, by name. */
  chosenBy(tenantId: string): Promise<PageRow[]> {
    return this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT ${COLUMNS} FROM meta_ads.pages WHERE tenant_id = $1 ORDER BY name, page_id`, [
        tenantId,
      ]),
    );
  }

  /** Which of these Pages other tenants hold (a system query: the exclusive-asset check). */
  heldByOthers(tenantId: string, pageIds: readonly string[]): Promise<PageHolder[]> {
    if (pageIds.length === 0) return Promise.resolve([]);
    return this.db.asSystem('exclusive Facebook Page check', (db) => this.holders(db, tenantId, pageIds));
  }

  /**
   * Make `pages` the tenant's Pages: the ones it no longer lists are released, new ones taken (from a tenant whose
   * connection is `disconnected` if need be: like a WABA, a Page counts as held only by a connection that is not),
   * names refreshed. The leads that waited for these Pages in `unrouted_leadgen` move to the tenant's
   * `pending_leadgen`, due now. Returns the Pages another active tenant holds instead of taking them (nothing is
   * changed then) and how many leads moved.
   */
  async replace(
    tenantId: string,
    pages: readonly { id: string; name: string; subscribed: boolean }[],
  ): Promise<{ refused: PageHolder[]; movedLeads: number }> {
    const ids = pages.map((page) => page.id);
    return this.db.asSystem('choose exclusive Facebook Pages', async (db) => {
      // Serialise choices of the same Pages (two tenants at once): the row locks below cannot lock absent rows.
      for (const id of [...ids].sort()) {
        await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`meta_ads.pages:${id}`]);
      }
      const holders = await this.holders(db, tenantId, ids);
      const refused = holders.filter((holder) => holder.active);
      if (refused.length > 0) return { refused, movedLeads: 0 };
      if (holders.length > 0) {
        await db.query(`DELETE FROM meta_ads.pages WHERE page_id = ANY($1::text[]) AND tenant_id <> $2`, [
          holders.map((holder) => holder.page_id),
          tenantId,
        ]);
      }
      await db.query(`DELETE FROM meta_ads.pages WHERE tenant_id = $1 AND NOT (page_id = ANY($2::text[]))`, [
        tenantId,
        ids,
      ]);
      if (pages.length > 0) {
        await db.query(
          `INSERT INTO meta_ads.pages (page_id, tenant_id, name, subscribed_at)
           SELECT p.id, $1, p.name, CASE WHEN p.subscribed THEN now() END
             FROM unnest($2::text[], $3::text[], $4::boolean[]) AS p(id, name, subscribed)
           ON CONFLICT (page_id) DO UPDATE
             SET name = EXCLUDED.name, subscribed_at = COALESCE(EXCLUDED.subscribed_at, pages.subscribed_at)`,
          [tenantId, ids, pages.map((page) => page.name), pages.map((page) => page.subscribed)],
        );
      }
      const moved: unknown[] = await db.query(
        `WITH taken AS (
           DELETE FROM meta_ads.unrouted_leadgen WHERE page_id = ANY($2::text[]) RETURNING *
         )
         INSERT INTO meta_ads.pending_leadgen
           (tenant_id, leadgen_id, page_id, form_id, ad_id, adgroup_id, created_time, received_at, attempts,
            next_attempt_at)
         SELECT $1, leadgen_id, page_id, form_id, ad_id, adgroup_id, created_time, received_at, 0, now() FROM taken
         ON CONFLICT (tenant_id, leadgen_id) DO NOTHING
         RETURNING leadgen_id`,
        [tenantId, ids],
      );
      return { refused: [], movedLeads: moved.length };
    });
  }

  /** A lead of a Page nobody chose: kept (once per leadgen id) until a tenant chooses the Page. */
  async keepUnrouted(notice: LeadgenNotice): Promise<boolean> {
    const rows: unknown[] = await this.db.asSystem('keep a lead of an unchosen Page', (db) =>
      db.query(
        `INSERT INTO meta_ads.unrouted_leadgen (leadgen_id, page_id, form_id, ad_id, adgroup_id, created_time)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (leadgen_id) DO NOTHING
         RETURNING leadgen_id`,
        [
          notice.leadgenId,
          notice.pageId,
          notice.formId ?? null,
          notice.adId ?? null,
          notice.adgroupId ?? null,
          notice.createdTime ?? null,
        ],
      ),
    );
    return rows.length > 0;
  }

  private holders(db: EntityManager, tenantId: string, pageIds: readonly string[]): Promise<PageHolder[]> {
    return db.query(
      `SELECT p.page_id, p.name, p.tenant_id,
              COALESCE(c.state <> 'disconnected', false) AS active
         FROM meta_ads.pages p
         LEFT JOIN meta_ads.connections c ON c.tenant_id = p.tenant_id
        WHERE p.page_id = ANY($1::text[]) AND p.tenant_id <> $2`,
      [pageIds, tenantId],
    );
  }
}
