import type { Logger } from '@nestjs/common';
import { PeriodicClaim as SharedPeriodicClaim, type TenantDatabase } from '@crm/nest-common';

/**
 * `PeriodicClaim` (@crm/nest-common) on a `meta_ads.<table>` schedule: the template sync, the Lead Ads form sync and
 * the token check.
 */
export class PeriodicClaim extends SharedPeriodicClaim {
  constructor(db: TenantDatabase, logger: Logger, job: { what: string; table: string; intervalMs: number }) {
    super(db, logger, { ...job, table: `meta_ads.${job.table}`, ownerPrefix: 'meta-ads' });
  }
}
