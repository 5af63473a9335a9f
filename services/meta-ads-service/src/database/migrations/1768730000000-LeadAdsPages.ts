import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 8: Facebook Pages are assets like a WABA. A tenant chooses its Pages in the wizard; a Page belongs to one
 * tenant at a time (`pages`, primary key the page id), and its Lead Ads webhooks go to that tenant even when other
 * tenants' tokens can see the Page too. A `leadgen` for a Page nobody chose waits in `unrouted_leadgen` (no tenant
 * yet, so no row-level security) until a tenant chooses the Page.
 *
 * Until now leads were routed by the Pages each token sees (`connections.page_ids`). A Page that exactly one
 * routable tenant sees becomes that tenant's; a Page several tenants see (whose leads were dropped) belongs to
 * nobody until one of them chooses it.
 */
export class LeadAdsPages1768730000000 implements MigrationInterface {
  name = 'LeadAdsPages1768730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.pages (
        page_id text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        name text NOT NULL DEFAULT '',
        chosen_at timestamptz NOT NULL DEFAULT now(),
        subscribed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX pages_tenant_idx ON meta_ads.pages (tenant_id)`);
    await enableTenantRls(queryRunner, 'meta_ads.pages');

    await queryRunner.query(`
      CREATE TABLE meta_ads.unrouted_leadgen (
        leadgen_id text PRIMARY KEY,
        page_id text NOT NULL,
        form_id text,
        ad_id text,
        adgroup_id text,
        created_time timestamptz,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX unrouted_leadgen_page_idx ON meta_ads.unrouted_leadgen (page_id)`);

    await queryRunner.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    await queryRunner.query(`
      INSERT INTO meta_ads.pages (page_id, tenant_id)
      SELECT page_id, (array_agg(tenant_id))[1]
        FROM (SELECT tenant_id, unnest(page_ids) AS page_id
                FROM meta_ads.connections WHERE state IN ('connected', 'expired')) seen
       GROUP BY page_id
      HAVING count(*) = 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE meta_ads.unrouted_leadgen`);
    await disableTenantRls(queryRunner, 'meta_ads.pages');
    await queryRunner.query(`DROP TABLE meta_ads.pages`);
  }
}
