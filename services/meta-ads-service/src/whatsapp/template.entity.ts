import { Column, Entity, PrimaryColumn } from 'typeorm';

/** WhatsApp message templates of the tenant's WABA, as last synced (and updated by status webhooks). */
@Entity({ name: 'templates' })
export class TemplateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @PrimaryColumn({ type: 'text' })
  language!: string;

  @Column({ name: 'waba_id', type: 'text' })
  wabaId!: string;

  @Column({ name: 'template_id', type: 'text' })
  templateId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'body_text', type: 'text' })
  bodyText!: string;

  @Column({ name: 'parameter_count', type: 'int' })
  parameterCount!: number;

  @Column({ type: 'jsonb' })
  components!: unknown[];

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;

  @Column({ name: 'sub_category', type: 'text', nullable: true })
  subCategory!: string | null;

  @Column({ name: 'previous_category', type: 'text', nullable: true })
  previousCategory!: string | null;

  @Column({ name: 'parameter_format', type: 'text', nullable: true })
  parameterFormat!: string | null;

  /** `GREEN | YELLOW | RED | UNKNOWN`, null before Meta rated it. */
  @Column({ name: 'quality_score', type: 'text', nullable: true })
  qualityScore!: string | null;

  @Column({ name: 'quality_updated_at', type: 'timestamptz', nullable: true })
  qualityUpdatedAt!: Date | null;

  /** Meta's reason for the current status (`rejected_reason` / webhook `reason`); null for NONE. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'rejection_info', type: 'jsonb', nullable: true })
  rejectionInfo!: { reason: string; recommendation: string | null } | null;

  /** Meta's time of the status change last applied (webhook `entry.time`, or the sync that saw it change). */
  @Column({ name: 'status_updated_at', type: 'timestamptz', nullable: true })
  statusUpdatedAt!: Date | null;
}
