import { Injectable } from '@nestjs/common';
import { DomainError, type PipelineStageView } from '@crm/contracts';
import { DataSource } from 'typeorm';

@Injectable()
export class PipelineService {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenantId: string): Promise<PipelineStageView[]> {
    const stages: PipelineStageView[] = await this.dataSource.query(
      `SELECT key, position, label FROM crm.pipeline_stages WHERE tenant_id = $1 ORDER BY position`,
      [tenantId],
    );
    if (stages.length === 0) {
      const tenant: unknown[] = await this.dataSource.query(`SELECT 1 FROM crm.tenants WHERE id = $1`, [
        tenantId,
      ]);
      if (tenant.length === 0) throw new DomainError('NOT_FOUND', 'tenant not found');
    }
    return stages;
  }
}
