import { Injectable } from '@nestjs/common';
import { LEAD_STATUSES, type LeadStatus } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';

/** A lead's latest status change as the rule engine heard it, and how a cancellation caused by it reads. */
export type LeadStatusTombstone = { status: LeadStatus; cause: string; changedAt: Date };

const isLeadStatus = (value: string): value is LeadStatus =>
  (LEAD_STATUSES as readonly string[]).includes(value);

/**
 * `automation.lead_status_tombstones`: its SQL. A cancellation event handled before the event that schedules (a
 * status change before the lead's `lead.created`) leaves its mark here, so the late scheduling sees it.
 */
@Injectable()
export class TombstoneStore {
  constructor(private readonly db: TenantDatabase) {}

  /** Keep the latest change per lead (a redelivered or older event changes nothing). */
  async recordLeadStatus(tenantId: string, leadId: string, tombstone: LeadStatusTombstone): Promise<void> {
    await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO automation.lead_status_tombstones (tenant_id, lead_id, status, cause, changed_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, lead_id) DO UPDATE
           SET status = EXCLUDED.status, cause = EXCLUDED.cause, changed_at = EXCLUDED.changed_at
         WHERE automation.lead_status_tombstones.changed_at < EXCLUDED.changed_at`,
        [tenantId, leadId, tombstone.status, tombstone.cause, tombstone.changedAt],
      ),
    );
  }

  /** The lead's latest status change at or after `since` (e.g. its creation), if one was heard. */
  async leadStatusSince(tenantId: string, leadId: string, since: Date): Promise<LeadStatusTombstone | null> {
    const rows: { status: string; cause: string; changed_at: Date }[] = await this.db.withTenant(
      tenantId,
      (db) =>
        db.query(
          `SELECT status, cause, changed_at FROM automation.lead_status_tombstones
            WHERE tenant_id = $1 AND lead_id = $2 AND changed_at >= $3`,
          [tenantId, leadId, since],
        ),
    );
    const row = rows[0];
    if (!row || !isLeadStatus(row.status)) return null;
    return { status: row.status, cause: row.cause, changedAt: row.changed_at };
  }
}
