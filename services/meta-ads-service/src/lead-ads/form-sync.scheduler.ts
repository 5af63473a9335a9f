import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { FormsService } from './forms.service';

/** How often a replica looks whether the periodic sync is due (at most; shorter intervals tick faster). */
const MAX_TICK_MS = 60_000;

/**
 * Every `LEAD_FORM_SYNC_INTERVAL_MS` (1 h) the forms of every connected tenant's Pages are synced — once across
 * replicas, like the template sync: a tick claims the run by moving `lead_form_sync_schedule.next_run_at` forward in
 * one UPDATE. A tenant whose sync fails is logged and skipped until the next period.
 */
@Injectable()
export class LeadFormSyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LeadFormSync');
  private readonly owner = `meta-ads-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: TenantDatabase,
    private readonly forms: FormsService,
    private readonly config: MetaAdsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tickMs = Math.min(this.config.LEAD_FORM_SYNC_INTERVAL_MS, MAX_TICK_MS);
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.error(`form sync tick failed: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, tickMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Claim this period's run; when won, sync every connected tenant with Pages. The tenants synced, or null. */
  async tick(): Promise<string[] | null> {
    if (!(await this.claim())) return null;
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

  private async claim(): Promise<boolean> {
    const rows: unknown[] = await this.db.asSystem('claim the periodic Lead Ads form sync', (db) =>
      db.query(
        `UPDATE meta_ads.lead_form_sync_schedule
            SET next_run_at = now() + make_interval(secs => $1::double precision / 1000),
                last_owner = $2, last_started_at = now()
          WHERE id = 1 AND next_run_at <= now()
      RETURNING id`,
        [this.config.LEAD_FORM_SYNC_INTERVAL_MS, this.owner],
      ),
    );
    // TypeORM's raw UPDATE … RETURNING answers [rows, count].
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
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
