import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DomainError, Events, type AdAttribution } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import { MetaAdsConfig } from '../config';
import { redactSecrets } from '../common/redact';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { DEFERRABLE_LEADGEN_CODES, leadgenRetryDelayMs } from './leadgen-retry';
import { PendingLeadgenEntity, type PendingLeadgenError } from './pending-leadgen.entity';
import { idOf, mapLeadFields, metaTimeToIso, type GraphLead } from './webhook-mapping';
import { WebhookEvents } from './webhook-events';

/** What a `leadgen` webhook change says about a lead (the rest is read from Meta with the tenant's token). */
export type LeadgenNotice = {
  leadgenId: string;
  pageId: string;
  formId?: string;
  adId?: string;
  adgroupId?: string;
  createdTime?: Date;
};

type Outcome = 'published' | 'skipped';
type PendingRow = {
  tenant_id: string;
  leadgen_id: string;
  page_id: string;
  form_id: string | null;
  ad_id: string | null;
  adgroup_id: string | null;
  created_time: Date | null;
  attempts: number;
};

/** Rows claimed per sweep round. */
const SWEEP_BATCH = 50;

/**
 * Lead Ads leads: read with the tenant's token and published as `evt.meta.leadgen.received`. When Meta cannot be
 * read (token expired, permission missing, rate-limited, down) the lead waits in `pending_leadgen` and is tried
 * again after the tenant reconnects and every `LEADGEN_RETRY_MS` — a lead is never dropped for a transient reason.
 */
@Injectable()
export class LeadgenService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MetaLeadgen');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly db: TenantDatabase,
    private readonly store: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly events: WebhookEvents,
    private readonly config: MetaAdsConfig,
  ) {}

  /** `fn` with the pending leads' repository in a transaction scoped to the tenant. */
  private pending<T>(
    tenantId: string,
    fn: (pending: Repository<PendingLeadgenEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(PendingLeadgenEntity)));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweepInBackground(), this.config.LEADGEN_RETRY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([this.sweeping, ...this.running]);
  }

  /**
   * A `leadgen` webhook routed to the tenant: fetch and publish now, or keep it for later when Meta cannot be read.
   * Any other failure is thrown (the webhook message is redelivered).
   */
  async receive(tenantId: string, notice: LeadgenNotice): Promise<void> {
    try {
      await this.deliver(tenantId, notice);
    } catch (error) {
      if (!isDeferrable(error)) throw error;
      await this.defer(tenantId, notice, error);
    }
  }

  /** Leads waiting for this tenant (shown as "N leads waiting for reconnection"). */
  pendingCount(tenantId: string): Promise<number> {
    return this.pending(tenantId, (pending) => pending.countBy({ tenantId }));
  }

  /** Try the tenant's waiting leads now (after a reconnect), without holding up the caller. */
  retryTenantSoon(tenantId: string): void {
    if (this.stopped) return;
    this.track(
      this.retryTenant(tenantId).catch((error: unknown) =>
        this.logger.error(`tenant ${tenantId}: retrying pending leads failed: ${describe(error)}`),
      ),
    );
  }

  /** Try every waiting lead of the tenant now, whatever its backoff. Returns how many were published. */
  async retryTenant(tenantId: string): Promise<number> {
    const rows = await this.pending(tenantId, (pending) =>
      pending.query<PendingRow[]>(
        `WITH claimed AS (
         UPDATE meta_ads.pending_leadgen
            SET next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
          WHERE tenant_id = $1
         RETURNING *
       )
       SELECT * FROM claimed ORDER BY received_at`,
        [tenantId, this.leaseMs()],
      ),
    );
    return this.retryRows(rows);
  }

  /** One sweep: the due leads of tenants whose connection is usable. Returns how many were published. */
  async retryDue(): Promise<number> {
    let published = 0;
    for (;;) {
      const rows = await this.db.asSystem('Lead Ads sweep: claim due pending leads', (db) =>
        db.query<PendingRow[]>(
          `WITH due AS (
           SELECT p.tenant_id, p.leadgen_id
             FROM meta_ads.pending_leadgen p
             JOIN meta_ads.connections c
               ON c.tenant_id = p.tenant_id AND c.state = 'connected'
            WHERE p.next_attempt_at <= now()
            ORDER BY p.next_attempt_at
            LIMIT $2
              FOR UPDATE OF p SKIP LOCKED
         ), claimed AS (
           UPDATE meta_ads.pending_leadgen p
              SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000)
             FROM due
            WHERE p.tenant_id = due.tenant_id AND p.leadgen_id = due.leadgen_id
           RETURNING p.*
         )
         SELECT * FROM claimed ORDER BY received_at`,
          [this.leaseMs(), SWEEP_BATCH],
        ),
      );
      const done = await this.retryRows(rows);
      published += done;
      // Another full batch only while everything went through (no point pressing a failing Meta).
      if (rows.length < SWEEP_BATCH || done < rows.length || this.stopped) return published;
    }
  }

  private sweepInBackground(): void {
    if (this.sweeping || this.stopped) return;
    this.sweeping = this.retryDue()
      .then((published) => {
        if (published > 0) this.logger.log(`published ${published} pending lead(s)`);
      })
      .catch((error: unknown) => this.logger.error(`pending leads sweep failed: ${describe(error)}`))
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private track(promise: Promise<unknown>): void {
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  /** A claimed row is not tried by another sweep (or instance) for one period. */
  private leaseMs(): number {
    return Math.max(this.config.LEADGEN_RETRY_MS, this.config.META_HTTP_TIMEOUT_MS * 3);
  }

  private async retryRows(rows: PendingRow[]): Promise<number> {
    let published = 0;
    for (const row of rows) {
      if (this.stopped) break;
      const tenantId = row.tenant_id;
      const notice: LeadgenNotice = {
        leadgenId: row.leadgen_id,
        pageId: row.page_id,
        ...(row.form_id ? { formId: row.form_id } : {}),
        ...(row.ad_id ? { adId: row.ad_id } : {}),
        ...(row.adgroup_id ? { adgroupId: row.adgroup_id } : {}),
        ...(row.created_time ? { createdTime: new Date(row.created_time) } : {}),
      };
      try {
        const outcome = await this.deliver(tenantId, notice);
        await this.pending(tenantId, (pending) => pending.delete({ tenantId, leadgenId: row.leadgen_id }));
        if (outcome === 'published') {
          published += 1;
          this.logger.log(
            `tenant ${tenantId}: pending lead ${row.leadgen_id} published after ${row.attempts} failed attempt(s)`,
          );
        }
      } catch (error) {
        const attempts = row.attempts + 1;
        if (!isDeferrable(error)) {
          this.logger.error(
            `tenant ${tenantId}: pending lead ${row.leadgen_id} failed again (${describe(error)}); kept`,
          );
        }
        await this.pending(tenantId, (pending) =>
          pending.update(
            { tenantId, leadgenId: row.leadgen_id },
            {
              attempts,
              lastError: errorOf(error),
              nextAttemptAt: new Date(
                Date.now() + leadgenRetryDelayMs(this.config.LEADGEN_RETRY_MS, attempts),
              ),
            },
          ),
        );
      }
    }
    return published;
  }

  /** Read the lead with the tenant's token and publish it; `skipped` when already published or unreadable. */
  private async deliver(tenantId: string, notice: LeadgenNotice): Promise<Outcome> {
    const key = `leadgen:${notice.leadgenId}`;
    if (await this.events.seen(tenantId, key)) return 'skipped';
    const { token } = await this.store.requireActive(tenantId);
    let lead: GraphLead;
    try {
      lead = await this.graph.get<GraphLead>({
        tenantId,
        family: 'ads',
        token,
        storedToken: true,
        path: notice.leadgenId,
        query: { fields: 'id,created_time,ad_id,adset_id,campaign_id,form_id,field_data' },
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'META_REJECTED' && error.details?.metaCode === 100) {
        this.logger.warn(`tenant ${tenantId}: lead ${notice.leadgenId} is not readable on Meta; skipped`);
        return 'skipped';
      }
      throw error;
    }
    const adId = idOf(lead.ad_id) ?? notice.adId ?? notice.adgroupId;
    let attribution: AdAttribution | undefined;
    if (adId) {
      attribution =
        lead.adset_id && lead.campaign_id
          ? { adId, adsetId: lead.adset_id, campaignId: lead.campaign_id }
          : await this.events.attribution(tenantId, adId);
    }
    const formId = idOf(lead.form_id) ?? notice.formId;
    const event: Record<string, unknown> = {
      tenantId,
      leadgenId: notice.leadgenId,
      pageId: notice.pageId,
      createdTime:
        metaTimeToIso(lead.created_time) ?? notice.createdTime?.toISOString() ?? new Date().toISOString(),
      ...(formId ? { formId } : {}),
      ...(attribution ? { attribution } : {}),
      ...mapLeadFields(lead.field_data),
    };
    const published = await this.events.publish(Events.leadgenReceived, event, key, tenantId);
    return published ? 'published' : 'skipped';
  }

  private async defer(tenantId: string, notice: LeadgenNotice, error: DomainError): Promise<void> {
    // A webhook redelivered while the lead is still waiting counts as one more failed attempt.
    await this.pending(tenantId, (pending) =>
      pending.query(
        `INSERT INTO meta_ads.pending_leadgen AS p
         (tenant_id, leadgen_id, page_id, form_id, ad_id, adgroup_id, created_time, received_at, attempts,
          last_error, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), 1, $8::jsonb,
               now() + make_interval(secs => $9::double precision / 1000))
       ON CONFLICT (tenant_id, leadgen_id)
       DO UPDATE SET attempts = p.attempts + 1, last_error = EXCLUDED.last_error`,
        [
          tenantId,
          notice.leadgenId,
          notice.pageId,
          notice.formId ?? null,
          notice.adId ?? null,
          notice.adgroupId ?? null,
          notice.createdTime ?? null,
          JSON.stringify(errorOf(error)),
          leadgenRetryDelayMs(this.config.LEADGEN_RETRY_MS, 1),
        ],
      ),
    );
    this.logger.warn(
      `tenant ${tenantId}: lead ${notice.leadgenId} (page ${notice.pageId}) kept for later: ${error.code}`,
    );
  }
}

function isDeferrable(error: unknown): error is DomainError {
  return error instanceof DomainError && DEFERRABLE_LEADGEN_CODES.includes(error.code);
}

function errorOf(error: unknown): PendingLeadgenError {
  return error instanceof DomainError
    ? { code: error.code, message: error.message, at: new Date().toISOString() }
    : { code: 'INTERNAL', message: 'unexpected failure', at: new Date().toISOString() };
}

/** For logs: DomainError messages are already scrubbed of secrets; anything else is scrubbed here. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? redactSecrets(`${error.name}: ${error.message}`) : 'error';
}
