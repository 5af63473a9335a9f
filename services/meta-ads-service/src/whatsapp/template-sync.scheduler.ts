import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { TemplatesService } from './templates.service';

/** How often a replica looks whether the periodic sync is due (at most; shorter intervals tick faster). */
const MAX_TICK_MS = 60_000;

/**
 * Every `TEMPLATE_SYNC_INTERVAL_MS` (15 min) the templates of every connected WABA are synced — once across
 * replicas: a tick claims the run by moving `template_sync_schedule.next_run_at` forward in one UPDATE, so only
 * one replica wins a period. A tenant whose sync fails (token expired, Meta down) is logged and skipped; the next
 * period tries again. Connect and "refresh" sync on their own (TemplatesService).
 */
@Injectable()
export class TemplateSyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TemplateSync');
  private readonly owner = `meta-ads-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: TenantDatabase,
    private readonly templates: TemplatesService,
    private readonly config: MetaAdsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tickMs = Math.min(this.config.TEMPLATE_SYNC_INTERVAL_MS, MAX_TICK_MS);
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.error(`template sync tick failed: ${String(error)}`))
        .finally(() => (this.running = undefined));
    }, tickMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Claim this period's run; when won, sync every connected WABA. Returns the tenants synced, or null when not won. */
  async tick(): Promise<string[] | null> {
    if (!(await this.claim())) return null;
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

  private async claim(): Promise<boolean> {
    const rows: unknown[] = await this.db.asSystem('claim the periodic template sync', (db) =>
      db.query(
        `UPDATE meta_ads.template_sync_schedule
            SET next_run_at = now() + make_interval(secs => $1::double precision / 1000),
                last_owner = $2, last_started_at = now()
          WHERE id = 1 AND next_run_at <= now()
      RETURNING id`,
        [this.config.TEMPLATE_SYNC_INTERVAL_MS, this.owner],
      ),
    );
    // TypeORM's raw UPDATE … RETURNING answers [rows, count].
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
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
