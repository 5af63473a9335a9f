import { Injectable } from '@nestjs/common';
import type { TenantView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import type { SqlRunner } from '../common/sql';

/** `crm.tenants`: its SQL. A tenant row is visible to its own tenant only (row-level security on `id`). */
@Injectable()
export class TenantStore {
  async find(db: EntityManager, tenantId: string): Promise<TenantView | null> {
    const rows: TenantView[] = await db.query(
      `SELECT id, name, currency, timezone FROM crm.tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  async exists(db: EntityManager, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM crm.tenants WHERE id = $1`, [tenantId]);
    return rows.length > 0;
  }

  async insert(db: SqlRunner, tenant: TenantView): Promise<void> {
    await db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, $3, $4)`, [
      tenant.id,
      tenant.name,
      tenant.currency,
      tenant.timezone,
    ]);
  }
}
