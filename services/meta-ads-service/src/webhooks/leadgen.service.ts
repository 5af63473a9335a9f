import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DomainError, Events, type AdAttribution } from '@crm/contracts';
import { DurableWorker, LeasedTable, TenantDatabase, type WorkResult } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { MetaAdsConfig } from '../config';
import { redactSecrets } from '@crm/nest-common';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { DEFERRABLE_LEADGEN_CODES, MAX_LEADGEN_RETRY_DELAY_MS, leadgenRetryDelayMs } from './leadgen-retry';
import type { PendingLeadgenError } from './pending-leadgen.entity';
import { mapAnswers } from '../lead-ads/form-mapping';
import { FormStore } from '../lead-ads/form-store';
import { idOf, metaTimeToIso, type GraphLead } from './webhook-mapping';
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

export type LeadgenOutcome = 'published' | 'skipped';
type Outcome = LeadgenOutcome;
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

const PENDING_TABLE = 'meta_ads.pending_leadgen';

/** Rows claimed per sweep round. */
const SWEEP_BATCH = 50;
/** Tries of a lead failing for a reason that is not a Meta / connection problem before it is parked. */
export const LEADGEN_MAX_ATTEMPTS = 20;

/**
 * Lead Ads leads: read with the tenant's token and published as `evt.meta.leadgen.received`. When Meta cannot be
 * read (token expired, permission missing, rate-limited, down) the lead waits in `pending_leadgen` and is tried
 * again after the tenant reconnects and every `LEADGEN_RETRY_MS` — a lead is never dropped for a transient reason.
 * The sweep is a `DurableWorker` over `pending_leadgen` (leases, so replicas never try the same lead at once); only a
 * lead that fails for another reason (a bug, bad data) is parked, after `LEADGEN_MAX_ATTEMPTS` tries or at once when
 * the failure is permanent.
 */
@Injectable()
export class LeadgenService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MetaLeadgen');
  private readonly table: LeasedTable<PendingRow>;
  private readonly worker: DurableWorker<PendingRow>;

  constructor(
    dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly store: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly events: WebhookEvents,
    private readonly config: MetaAdsConfig,
    private readonly forms: FormStore,
  ) {
    this.table = new LeasedTable<PendingRow>({
      dataSource,
      table: PENDING_TABLE,
      keys: ['tenant_id', 'leadgen_id'],
      // Only tenants whose connection is usable: the others wait for a reconnect.
      claimable: `EXISTS (SELECT 1 FROM meta_ads.connections c
                           WHERE c.tenant_id = t.tenant_id AND c.state = 'connected')`,
      complete: { delete: true },
    });
    this.worker = new DurableWorker<PendingRow>({
      name: 'meta-ads-service.pending-leadgen',
      queue: this.table,
      handler: (row) => this.retryRow(row),
      pollMs: config.LEADGEN_RETRY_MS,
      // A claimed row is not tried by another sweep (or instance) for one period.
      leaseMs: Math.max(config.LEADGEN_RETRY_MS, config.META_HTTP_TIMEOUT_MS * 3),
      batchSize: SWEEP_BATCH,
      maxAttempts: LEADGEN_MAX_ATTEMPTS,
      backoff: { baseMs: config.LEADGEN_RETRY_MS, maxMs: MAX_LEADGEN_RETRY_DELAY_MS },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker.stop();
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

  /** Leads waiting for this tenant (shown as "N leads waiting for reconnection"); parked ones are not waiting. */
  async pendingCount(tenantId: string): Promise<number> {
    const rows: { count: number }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT count(*)::int AS count FROM ${PENDING_TABLE} WHERE tenant_id = $1 AND parked_at IS NULL`,
        [tenantId],
      ),
    );
    return rows[0].count;
  }

  /** Try the tenant's waiting leads now, whatever their backoff (after a reconnect), without holding up the caller. */
  retryTenantSoon(tenantId: string): void {
    void this.table
      .makeDue('t.tenant_id = $1', [tenantId])
      .then((due) => {
        if (due > 0) this.worker.kick();
      })
      .catch((error: unknown) =>
        this.logger.error(`tenant ${tenantId}: retrying pending leads failed: ${describe(error)}`),
      );
  }

  /** One sweep round now; resolves with how many rows it handled. */
  retryDue(): Promise<number> {
    return this.worker.runOnce();
  }

  /** A claimed pending lead: published (row deleted), or back to waiting while Meta / the connection is the problem. */
  private async retryRow(row: PendingRow): Promise<WorkResult> {
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
      if (outcome === 'published') {
        this.logger.log(
          `tenant ${tenantId}: pending lead ${row.leadgen_id} published after ${row.attempts - 1} failed attempt(s)`,
        );
      }
      return 'done';
    } catch (error) {
      if (!isDeferrable(error)) throw error;
      const { code, message } = errorOf(error);
      return {
        retryInMs: leadgenRetryDelayMs(this.config.LEADGEN_RETRY_MS, row.attempts),
        error: { code, message },
      };
    }
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
    return this.publishRead(tenantId, token, notice, lead);
  }

  /**
   * A lead already read from Meta (one `GET /{leadgen_id}`, or a page of a bulk read) published once as
   * `evt.meta.leadgen.received`: `skipped` when its key was already enqueued (by a webhook, a retry or an earlier
   * backfill).
   */
  async publishRead(
    tenantId: string,
    token: string,
    notice: LeadgenNotice,
    lead: GraphLead,
  ): Promise<Outcome> {
    const key = `leadgen:${notice.leadgenId}`;
    const adId = idOf(lead.ad_id) ?? notice.adId ?? notice.adgroupId;
    let attribution: AdAttribution | undefined;
    if (adId) {
      attribution =
        lead.adset_id && lead.campaign_id
          ? { adId, adsetId: lead.adset_id, campaignId: lead.campaign_id }
          : await this.events.attribution(tenantId, adId);
    }
    const formId = idOf(lead.form_id) ?? notice.formId;
    // The synced form gives the name and the mapping of its questions; a form not synced yet maps by default.
    const form = formId ? await this.forms.find(tenantId, formId) : null;
    const formName = form?.name || (formId ? await this.formName(tenantId, token, formId) : undefined);
    const event: Record<string, unknown> = {
      tenantId,
      leadgenId: notice.leadgenId,
      pageId: notice.pageId,
      createdTime:
        metaTimeToIso(lead.created_time) ?? notice.createdTime?.toISOString() ?? new Date().toISOString(),
      ...(formId ? { formId } : {}),
      ...(formName ? { formName } : {}),
      ...(attribution ? { attribution } : {}),
      ...mapAnswers(lead.field_data, form?.questions ?? [], form?.mapping ?? null),
    };
    const published = await this.events.publish(Events.leadgenReceived, event, key, tenantId);
    return published ? 'published' : 'skipped';
  }

  /** The Lead Ads form's name, for the lead 360; a lead is never held back for it (any failure → no name). */
  private async formName(tenantId: string, token: string, formId: string): Promise<string | undefined> {
    try {
      const form = await this.graph.get<{ name?: unknown }>({
        tenantId,
        family: 'ads',
        token,
        storedToken: true,
        path: formId,
        query: { fields: 'name' },
      });
      return typeof form.name === 'string' && form.name !== '' ? form.name : undefined;
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: form ${formId} name not readable (${error instanceof Error ? error.message : String(error)})`,
      );
      return undefined;
    }
  }

  private async defer(tenantId: string, notice: LeadgenNotice, error: DomainError): Promise<void> {
    // A webhook redelivered while the lead is still waiting counts as one more failed attempt.
    await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO ${PENDING_TABLE} AS p
         (tenant_id, leadgen_id, page_id, form_id, ad_id, adgroup_id, created_time, received_at, attempts,
          last_error, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), 1, $8::jsonb,
               now() + make_interval(secs => $9::double precision / 1000))
       ON CONFLICT (tenant_id, leadgen_id)
       DO UPDATE SET attempts = p.attempts + 1, last_error = EXCLUDED.last_error, parked_at = NULL`,
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
