import type { LeadSource, LeadStatus } from '@crm/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'leads' })
export class LeadEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** E.164, unique per tenant. */
  @Column({ type: 'text' })
  phone!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text' })
  status!: LeadStatus;

  @Column({ name: 'lead_source', type: 'text' })
  leadSource!: LeadSource;

  @Column({ name: 'meta_ad_id', type: 'text', nullable: true })
  metaAdId!: string | null;

  @Column({ name: 'meta_adset_id', type: 'text', nullable: true })
  metaAdsetId!: string | null;

  @Column({ name: 'meta_campaign_id', type: 'text', nullable: true })
  metaCampaignId!: string | null;

  @Column({ name: 'ctwa_clid', type: 'text', nullable: true })
  ctwaClid!: string | null;

  @Column({ name: 'meta_leadgen_id', type: 'text', nullable: true })
  metaLeadgenId!: string | null;

  @Column({ name: 'opted_out', type: 'boolean', default: false })
  optedOut!: boolean;

  @Column({ name: 'assigned_user_id', type: 'uuid', nullable: true })
  assignedUserId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
