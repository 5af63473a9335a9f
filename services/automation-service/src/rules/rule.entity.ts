import type { RuleKey, VariableSource } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's configuration of one rule. No row = the defaults of `rule-defaults.ts` (disabled). */
@Entity({ name: 'rules' })
export class RuleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: RuleKey;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ name: 'delay_seconds', type: 'int', default: 86400 })
  delaySeconds!: number;

  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ name: 'template_language', type: 'text', nullable: true })
  templateLanguage!: string | null;

  @Column({ name: 'variable_mapping', type: 'jsonb' })
  variableMapping!: VariableSource[];

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
