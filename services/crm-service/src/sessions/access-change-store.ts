import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccessChange } from '@crm/contracts';

/**
 * `crm.access_changes`: its SQL. `record` goes in the transaction of every change to what `crm.users.access` answers
 * (role, deactivation, password, revocation), as its last statement; gateways poll `recent`.
 */
@Injectable()
export class AccessChangeStore {
  async record(db: EntityManager, tenantId: string, userId: string): Promise<void> {
    await db.query(`INSERT INTO crm.access_changes (tenant_id, user_id) VALUES ($1, $2)`, [tenantId, userId]);
  }

  /** Every tenant's changes committed in the last `windowSeconds` (a system transaction). */
  async recent(db: EntityManager, windowSeconds: number): Promise<AccessChange[]> {
    const rows: { seq: string; tenant_id: string | null; user_id: string | null }[] = await db.query(
      `SELECT seq, tenant_id, user_id FROM crm.access_changes
        WHERE created_at > clock_timestamp() - make_interval(secs => $1)
        ORDER BY seq`,
      [windowSeconds],
    );
    return rows.map((row) => ({ seq: row.seq, tenantId: row.tenant_id, userId: row.user_id }));
  }
}
