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
}
