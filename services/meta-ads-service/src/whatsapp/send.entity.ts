import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SendStatus = 'requested' | 'accepted' | 'failed';
export type SendKind = 'template' | 'text';
export type SendError = { code: string; message: string; details?: Record<string, unknown> };

/** One row per (tenant, idempotency key), written before Meta is called: the same key never sends twice. */
@Entity({ name: 'sends' })
export class SendEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'to', type: 'text' })
  to!: string;

  @Column({ type: 'text' })
  kind!: SendKind;

  /** Template sends only. */
  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ type: 'text', nullable: true })
  language!: string | null;

  @Column({ type: 'text', nullable: true })
  wamid!: string | null;

  @Column({ type: 'text' })
  status!: SendStatus;

  @Column({ type: 'jsonb', nullable: true })
  error!: SendError | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
