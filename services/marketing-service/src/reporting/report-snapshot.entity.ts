import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const REPORT_KINDS = ['stats', 'roi', 'report_period', 'report_cohort'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The last good report for one tenant, kind, ad account and date range (`marketing.report_snapshots`). */
@Entity({ name: 'report_snapshots' })
@Unique('report_snapshots_tenant_range_key', ['tenantId', 'kind', 'adAccountId', 'preset', 'since', 'until'])
export class ReportSnapshotEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  kind!: ReportKind;

  @Column({ name: 'ad_account_id', type: 'text' })
  adAccountId!: string;

  @Column({ type: 'text' })
  preset!: string;

  /** Inclusive dates in the ad account's timezone, `YYYY-MM-DD`. */
  @Column({ type: 'date' })
  since!: string;

  @Column({ type: 'date' })
  until!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;
}
