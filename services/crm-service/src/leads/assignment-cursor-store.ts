import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * `crm.assignment_cursors`: per tenant, the setter who got the last round-robin lead. Reading it locks the tenant's
 * row until the transaction ends, so replicas creating leads at the same time take turns and never pick the same
 * "next" setter twice.
 */
@Injectable()
export class AssignmentCursorStore {
  /** The last setter given a lead (null at first), row-locked; creates the tenant's row if missing. */
  async lock(db: EntityManager, tenantId: string): Promise<string | null> {
    await db.query(
      `INSERT INTO crm.assignment_cursors (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId],
    );
    const rows: { last_user_id: string | null }[] = await db.query(
      `SELECT last_user_id FROM crm.assignment_cursors WHERE tenant_id = $1 FOR UPDATE`,
      [tenantId],
    );
    return rows[0]?.last_user_id ?? null;
  }

  async advance(db: EntityManager, tenantId: string, userId: string): Promise<void> {
    await db.query(
      `UPDATE crm.assignment_cursors SET last_user_id = $2, updated_at = now() WHERE tenant_id = $1`,
      [tenantId, userId],
    );
  }
}
