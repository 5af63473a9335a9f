import { PeriodicClaim } from '../common/periodic-claim';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { TemplatesService } from './templates.service';

/**
 * Every `TEMPLATE_SYNC_INTERVAL_MS` (15 min) the templates of every connected WABA are synced — once across
 * replicas: a tick claims the run by moving `template_sync_schedule.next_run_at` forward in one UPDATE, so only
 * one replica wins a period. A tenant whose sync fails (token expired, Meta down) is logged and skipped; the next
 * period tries again. Connect and "refresh" sync on their own (TemplatesService).
 */
@Injectable()
export class TemplateSyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TemplateSync');
  private readonly periodic: PeriodicClaim;

  constructor(
    private readonly db: TenantDatabase,
    private readonly templates: TemplatesService,
    private readonly config: MetaAdsConfig,
  ) {
    this.periodic = new PeriodicClaim(db, this.logger, {
      what: 'template sync',
      table: 'template_sync_schedule',
      intervalMs: config.TEMPLATE_SYNC_INTERVAL_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.periodic.start(() => this.tick());
  }

  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Claim this period's run; when won, sync every connected WABA. Returns the tenants synced, or null when not won. */
  async tick(): Promise<string[] | null> {
    if (!(await this.periodic.claim())) return null;
    const tenants = await this.connectedTenants();
    const synced: string[] = [];
    for (const tenantId of tenants) {
      try {
        await this.templates.syncTenant(tenantId);
        synced.push(tenantId);
      } catch (error) {
        this.logger.warn(`tenant ${tenantId}: periodic template sync failed: ${String(error)}`);
      }
    }
    this.logger.log(`periodic template sync: ${synced.length}/${tenants.length} WABAs`);
    return synced;
  }

  private async connectedTenants(): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.db.asSystem('tenants with a connected WABA', (db) =>
      db.query(
        `SELECT tenant_id FROM meta_ads.connections
          WHERE state = 'connected' AND waba_id IS NOT NULL
          ORDER BY tenant_id`,
      ),
    );
    return rows.map((row) => row.tenant_id);
  }
}
