import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** `crm.processed_events`: the keys of inbound events already applied, per tenant. */
@Injectable()
export class ProcessedEventStore {
  /** Record the key; `false` when it was already recorded (the event was applied before). */
  async record(db: EntityManager, tenantId: string, eventKey: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO crm.processed_events (tenant_id, event_key) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_key`,
      [tenantId, eventKey],
    );
    return rows.length === 1;
  }
}
