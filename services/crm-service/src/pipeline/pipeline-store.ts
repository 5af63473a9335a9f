import { Injectable } from '@nestjs/common';
import type { PipelineStageView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import type { SqlRunner } from '../common/sql';

/** `crm.pipeline_stages`: its SQL. */
@Injectable()
export class PipelineStore {
  list(db: EntityManager, tenantId: string): Promise<PipelineStageView[]> {
    return db.query(
      `SELECT key, position, label FROM crm.pipeline_stages WHERE tenant_id = $1 ORDER BY position`,
      [tenantId],
    );
  }

  async insertMany(db: SqlRunner, tenantId: string, stages: readonly PipelineStageView[]): Promise<void> {
    const values = stages.map((_, i) => `($1, $${i * 3 + 2}, $${i * 3 + 3}, $${i * 3 + 4})`);
    await db.query(
      `INSERT INTO crm.pipeline_stages (tenant_id, key, position, label) VALUES ${values.join(', ')}`,
      [tenantId, ...stages.flatMap((stage) => [stage.key, stage.position, stage.label])],
    );
  }
}
