import type { TemplateVariableSource } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A tenant's rule: a built-in one (no row = the defaults of `rule-defaults.ts`, disabled) or a user rule `r_<12 hex>`.
 * `RuleStore` owns the SQL (trigger, conditions, mapping, window and limits are jsonb columns).
 */
@Entity({ name: 'rules' })
export class RuleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'boolean', default: false })
  enabled!: boolean;

  @Column({ name: 'delay_seconds', type: 'int', default: 86400 })
  delaySeconds!: number;

  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ name: 'template_language', type: 'text', nullable: true })
  templateLanguage!: string | null;

  @Column({ name: 'variable_mapping', type: 'jsonb' })
  variableMapping!: TemplateVariableSource[];

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
