import type { AdInsightDay, AdInsightRow } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last successful ad-level insights answer per tenant, ad account and date range. */
@Entity({ name: 'insights_cache' })
export class InsightsCacheEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ name: 'ad_account_id', type: 'text' })
  adAccountId!: string;

  @PrimaryColumn({ type: 'date' })
  since!: string;

  @PrimaryColumn({ type: 'date' })
  until!: string;

  @Column({ type: 'jsonb' })
  /** `days` is absent from entries stored before the daily series existed (they are refetched). */
  payload!: { rows: AdInsightRow[]; days?: AdInsightDay[]; currency: string; timezone: string };

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
