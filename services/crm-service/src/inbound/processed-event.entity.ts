import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Inbound events already applied (`wa-in:<wamid>`, `leadgen:<id>`): a redelivery finds its key and does nothing. */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'event_key', type: 'text' })
  eventKey!: string;

  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
