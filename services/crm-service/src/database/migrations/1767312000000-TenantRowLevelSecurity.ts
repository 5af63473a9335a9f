import { disableTenantRls, enableTenantRls, grantAppRole } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of `crm` that existed when row-level security came in; later tables enable it in their own migration. */
const TENANT_TABLES = [
  'crm.users',
  'crm.pipeline_stages',
  'crm.leads',
  'crm.opportunities',
  'crm.sales_transactions',
  'crm.outbox',
  'crm.processed_events',
];

/**
 * Row-level security on every tenant table of `crm` and the services' login role (not a superuser, no
 * BYPASSRLS) with the DML it needs. See libs/nest-common/src/row-level-security.ts.
 */
export class TenantRowLevelSecurity1767312000000 implements MigrationInterface {
  name = 'TenantRowLevelSecurity1767312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await grantAppRole(queryRunner, 'crm');
    for (const table of TENANT_TABLES) await enableTenantRls(queryRunner, table);
    // A tenant row is its own tenant's.
    await enableTenantRls(queryRunner, 'crm.tenants', 'id');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'crm.tenants');
    for (const table of TENANT_TABLES) await disableTenantRls(queryRunner, table);
  }
}
