import { Injectable } from '@nestjs/common';
import { DomainError, type PipelineStageView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { TenantStore } from '../tenancy/tenant-store';
import { PipelineStore } from './pipeline-store';

@Injectable()
export class PipelineService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly stages: PipelineStore,
    private readonly tenants: TenantStore,
  ) {}

  async list(tenantId: string): Promise<PipelineStageView[]> {
    return this.db.withTenant(tenantId, async (db) => {
      const stages = await this.stages.list(db, tenantId);
      if (stages.length === 0 && !(await this.tenants.exists(db, tenantId))) {
        throw new DomainError('NOT_FOUND', 'tenant not found');
      }
      return stages;
    });
  }
}
