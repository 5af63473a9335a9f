import type { SendStatus } from '@crm/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Status history of a send — every transition writes one row; it is the live log the user sees. */
@Entity({ name: 'send_events' })
export class SendEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'send_id', type: 'uuid' })
  sendId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  status!: SendStatus;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
