import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A domain event written in the same transaction as the change it describes; the relay publishes it. */
@Entity({ name: 'outbox' })
export class OutboxMessageEntity {
  /** Also the JetStream message id, so a re-publish after a crash is deduplicated by the stream. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
