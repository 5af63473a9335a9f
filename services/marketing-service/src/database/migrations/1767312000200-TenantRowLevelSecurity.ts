import { disableTenantRls, enableTenantRls, grantAppRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of `marketing` that existed when row-level security came in; later tables enable it in their own migration. */
const TENANT_TABLES = ['marketing.report_snapshots'];

/**
 * Row-level security on every tenant table of `marketing` and the services' login role (not a superuser, no
 * BYPASSRLS) with the DML it needs. See libs/nest-common/src/row-level-security.ts.
 */
export class TenantRowLevelSecurity1767312000200 implements MigrationInterface {
  name = 'TenantRowLevelSecurity1767312000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await grantAppRole(queryRunner, 'marketing');
    for (const table of TENANT_TABLES) await enableTenantRls(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) await disableTenantRls(queryRunner, table);
  }
}
