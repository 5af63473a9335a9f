import type { RuleKey, SendStatus } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One automated message to one lead: at most one per (tenant, rule, lead), ever. */
@Entity({ name: 'sends' })
export class SendEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'rule_key', type: 'text' })
  ruleKey!: RuleKey;

  @Column({ name: 'lead_id', type: 'uuid' })
  leadId!: string;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ name: 'lead_name', type: 'text', nullable: true })
  leadName!: string | null;

  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ name: 'template_language', type: 'text', nullable: true })
  templateLanguage!: string | null;

  @Column({ type: 'text' })
  status!: SendStatus;

  /** Queued by `automation.trigger` (a person), not by the rule's schedule. */
  @Column({ type: 'boolean', default: false })
  manual!: boolean;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'text', nullable: true, unique: true })
  wamid!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: { code: string; message: string } | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'replied_at', type: 'timestamptz', nullable: true })
  repliedAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;
}
