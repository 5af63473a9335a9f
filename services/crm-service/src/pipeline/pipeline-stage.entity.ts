import type { LeadStatus } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'pipeline_stages' })
export class PipelineStageEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: LeadStatus;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'text' })
  label!: string;
}
