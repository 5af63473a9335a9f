import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Webhook items already turned into events (`wa-in:<wamid>`, `wa-st:<wamid>:<status>`, `leadgen:<id>`). */
@Entity({ name: 'webhook_receipts' })
export class WebhookReceiptEntity {
  @PrimaryColumn({ name: 'event_key', type: 'text' })
  eventKey!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
