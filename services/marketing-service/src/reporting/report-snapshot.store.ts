import { Inject, Injectable } from '@nestjs/common';
import type { RangePreset } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { ReportSnapshotEntity, type ReportKind } from './report-snapshot.entity';
import { REPORTING_SETTINGS, type ReportingSettings } from './reporting.settings';

export type SnapshotKey = {
  tenantId: string;
  kind: ReportKind;
  adAccountId: string;
  preset: RangePreset;
  since: string;
  until: string;
};

export type StoredSnapshot<T> = { payload: T; computedAt: Date };

/** Last-good reports, one per tenant / kind / ad account / range. Every query is filtered by tenant. */
@Injectable()
export class ReportSnapshotStore {
  constructor(
    private readonly db: TenantDatabase,
    @Inject(REPORTING_SETTINGS) private readonly settings: ReportingSettings,
  ) {}

  /** Insert or replace the snapshot of this key, and drop this tenant's snapshots past the retention. */
  async save<T extends object>(key: SnapshotKey, payload: T, computedAt: Date): Promise<void> {
    await this.db.withTenant(key.tenantId, async (db) => {
      const snapshots = db.getRepository(ReportSnapshotEntity);
      await snapshots.upsert(
        { ...key, payload, computedAt },
        {
          conflictPaths: ['tenantId', 'kind', 'adAccountId', 'preset', 'since', 'until'],
          skipUpdateIfNoValuesChanged: false,
        },
      );
      await snapshots
        .createQueryBuilder()
        .delete()
        .where('tenant_id = :tenantId', { tenantId: key.tenantId })
        .andWhere(`computed_at < now() - make_interval(days => :days)`, {
          days: this.settings.snapshotRetentionDays,
        })
        .execute();
    });
  }

  async find<T>(key: SnapshotKey): Promise<StoredSnapshot<T> | null> {
    const row = await this.db.withTenant(key.tenantId, (db) =>
      db.getRepository(ReportSnapshotEntity).findOne({
        where: {
          tenantId: key.tenantId,
          kind: key.kind,
          adAccountId: key.adAccountId,
          preset: key.preset,
          since: key.since,
          until: key.until,
        },
      }),
    );
    return row ? { payload: row.payload as T, computedAt: row.computedAt } : null;
  }
}
