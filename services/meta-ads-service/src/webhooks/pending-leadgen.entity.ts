import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PendingLeadgenError = { code: string; message: string; at: string };

/**
 * A Lead Ads lead whose webhook arrived while Meta could not be read for the tenant (token expired, permission
 * missing, rate-limited, down). Kept until the lead is fetched and `evt.meta.leadgen.received` is published.
 */
@Entity({ name: 'pending_leadgen' })
export class PendingLeadgenEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'leadgen_id', type: 'text' })
  leadgenId!: string;

  @Column({ name: 'page_id', type: 'text' })
  pageId!: string;

  @Column({ name: 'form_id', type: 'text', nullable: true })
  formId!: string | null;

  @Column({ name: 'ad_id', type: 'text', nullable: true })
  adId!: string | null;

  @Column({ name: 'adgroup_id', type: 'text', nullable: true })
  adgroupId!: string | null;

  /** The webhook's `created_time`, used when Meta's lead has none. */
  @Column({ name: 'created_time', type: 'timestamptz', nullable: true })
  createdTime!: Date | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: PendingLeadgenError | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;
}
