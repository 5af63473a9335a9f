import { PeriodicClaim } from '../common/periodic-claim';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { FormsService } from './forms.service';

/**
 * Every `LEAD_FORM_SYNC_INTERVAL_MS` (1 h) the forms of every connected tenant's Pages are synced — once across
 * replicas, like the template sync: a tick claims the run by moving `lead_form_sync_schedule.next_run_at` forward in
 * one UPDATE. A tenant whose sync fails is logged and skipped until the next period.
 */
@Injectable()
export class LeadFormSyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LeadFormSync');
  private readonly periodic: PeriodicClaim;

  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsService,
    private readonly config: MetaAdsConfig,
  ) {
    this.periodic = new PeriodicClaim(db, this.logger, {
      what: 'form sync',
      table: 'lead_form_sync_schedule',
      intervalMs: config.LEAD_FORM_SYNC_INTERVAL_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.periodic.start(() => this.tick());
  }

  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Claim this period's run; when won, sync every connected tenant with Pages. The tenants synced, or null. */
  async tick(): Promise<string[] | null> {
    if (!(await this.periodic.claim())) return null;
    const tenants = await this.tenantsWithPages();
    const synced: string[] = [];
    for (const tenantId of tenants) {
      try {
        await this.forms.syncTenant(tenantId);
        synced.push(tenantId);
      } catch (error) {
        this.logger.warn(`tenant ${tenantId}: periodic form sync failed: ${String(error)}`);
      }
    }
    if (tenants.length > 0)
      this.logger.log(`periodic form sync: ${synced.length}/${tenants.length} accounts`);
    return synced;
  }

  private async tenantsWithPages(): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.db.asSystem('tenants with Lead Ads Pages', (db) =>
      db.query(
        `SELECT DISTINCT p.tenant_id FROM meta_ads.pages p
           JOIN meta_ads.connections c ON c.tenant_id = p.tenant_id AND c.state = 'connected'
          ORDER BY p.tenant_id`,
      ),
    );
    return rows.map((row) => row.tenant_id);
  }
}
