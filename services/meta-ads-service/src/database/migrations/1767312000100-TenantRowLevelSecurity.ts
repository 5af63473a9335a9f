import { disableTenantRls, enableTenantRls, grantAppRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of `meta_ads` that existed when row-level security came in; later tables enable it in their own migration. */
const TENANT_TABLES = [
  'meta_ads.connections',
  'meta_ads.oauth_states',
  'meta_ads.templates',
  'meta_ads.sends',
  'meta_ads.insights_cache',
  'meta_ads.ads',
  'meta_ads.webhook_receipts',
  'meta_ads.pending_leadgen',
];

/**
 * Row-level security on every tenant table of `meta_ads` and the services' login role (not a superuser, no
 * BYPASSRLS) with the DML it needs. See libs/nest-common/src/row-level-security.ts.
 */
export class TenantRowLevelSecurity1767312000100 implements MigrationInterface {
  name = 'TenantRowLevelSecurity1767312000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await grantAppRole(queryRunner, 'meta_ads');
    for (const table of TENANT_TABLES) await enableTenantRls(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await disableTenantRls(queryRunner, table);
  }
}
