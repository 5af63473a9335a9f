import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  DomainError,
  type CreateLeadgenBackfillRequest,
  type LeadgenBackfillState,
  type LeadgenBackfillView,
} from '@crm/contracts';
import { DurableWorker, LeasedTable, TenantDatabase, type WorkResult } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { MetaAdsConfig } from '../config';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import {
  DEFERRABLE_LEADGEN_CODES,
  MAX_LEADGEN_RETRY_DELAY_MS,
  leadgenRetryDelayMs,
} from '../webhooks/leadgen-retry';
import { LeadgenService } from '../webhooks/leadgen.service';
import { idOf, metaTimeToIso, type GraphLead } from '../webhooks/webhook-mapping';
import { FormStore } from './form-store';

type BackfillRow = {
  id: string;
  tenant_id: string;
  form_id: string;
  page_id: string;
  since: Date;
  until: Date;
  reason: 'manual' | 'page_chosen';
  resume_before: Date | null;
  leads_found: number;
  leads_published: number;
  pages_read: number;
  created_at: Date;
  finished_at: Date | null;
  attempts: number;
  locked_until: Date | null;
  lease_owner: string | null;
  last_error: { code: string; message: string } | null;
  parked_at: Date | null;
};

type LeadsPage = { data?: GraphLead[]; paging?: { cursors?: { after?: string }; next?: string } };

const TABLE = 'meta_ads.leadgen_backfills';
/** Leads per Graph page (Meta's cursor paging) and pages per slice: a slice then lets the other jobs have a turn. */
const PAGE_LIMIT = 100;
const SLICE_PAGES = 10;
/** Newly chosen Pages: Meta keeps leads for 90 days. */
export const NEW_PAGE_BACKFILL_DAYS = 90;
const DAY_MS = 86_400_000;
const LEAD_FIELDS = 'id,created_time,ad_id,adset_id,campaign_id,form_id,field_data';
const VIEW_COLUMNS = `b.id, b.tenant_id, b.form_id, b.page_id, b.since, b.until, b.reason, b.leads_found,
  b.leads_published, b.pages_read, b.created_at, b.finished_at, b.locked_until, b.last_error, b.parked_at,
  f.name AS form_name, p.name AS page_name`;

/**
 * Backfill of Lead Ads leads: one form, one range `[since, until)`, read from Meta with the bulk read
 * (`GET /{form}/leads?filtering=[time_created …]`, cursor paging, newest first) and published like a webhook's lead
 * — each once (the leadgen id's receipt), so leads that came by webhook are not published again. A job is a row of
 * `leadgen_backfills` worked by a `DurableWorker` (leases: replicas never read the same job at once) in slices of
 * `SLICE_PAGES` pages; after each page the job records how far it got (`resume_before`), so a replica that dies
 * loses at most a page, read again without effect. Meta / connection failures wait and retry; the job of a tenant
 * whose connection is not `connected` waits for a reconnect.
 */
@Injectable()
export class LeadgenBackfillService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LeadgenBackfill');
  private readonly table: LeasedTable<BackfillRow>;
  private readonly worker: DurableWorker<BackfillRow>;

  constructor(
    dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly connections: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly leadgens: LeadgenService,
    private readonly forms: FormStore,
    private readonly config: MetaAdsConfig,
  ) {
    this.table = new LeasedTable<BackfillRow>({
      dataSource,
      table: TABLE,
      keys: ['id'],
      pending: 't.finished_at IS NULL',
      claimable: `EXISTS (SELECT 1 FROM meta_ads.connections c
                           WHERE c.tenant_id = t.tenant_id AND c.state = 'connected')`,
      orderBy: ['next_attempt_at', 'created_at'],
      complete: { set: 'finished_at = now()' },
    });
    this.worker = new DurableWorker<BackfillRow>({
      name: 'meta-ads-service.leadgen-backfill',
      queue: this.table,
      handler: (row) => this.slice(row),
      pollMs: config.LEADGEN_RETRY_MS,
      // A slice reads SLICE_PAGES pages and publishes their leads; the lease outlives the slowest one.
      leaseMs: Math.max(120_000, config.META_HTTP_TIMEOUT_MS * SLICE_PAGES * 3),
      batchSize: 4,
      maxAttempts: 20,
      backoff: { baseMs: config.LEADGEN_RETRY_MS, maxMs: MAX_LEADGEN_RETRY_DELAY_MS },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker.stop();
  }

  /** A backfill asked for through the API: the form must be a synced form of one of the tenant's Pages. */
  async create(request: CreateLeadgenBackfillRequest): Promise<LeadgenBackfillView> {
    const { tenantId, formId } = request;
    const since = new Date(request.since);
    const until = new Date(request.until);
    if (since >= until) throw new DomainError('VALIDATION', 'since must be before until');
    if (until.getTime() > Date.now() + 60_000) {
      throw new DomainError('VALIDATION', 'until must not be in the future');
    }
    const form = (await this.forms.list(tenantId)).find((f) => f.form_id === formId);
    if (!form)
      throw new DomainError('NOT_FOUND', `form ${formId} is not a synced form of this account's Pages`);
    const [id] = await this.insert(
      tenantId,
      [{ formId, pageId: form.page_id }],
      since,
      until,
      'manual',
      request.requestedBy,
    );
    this.worker.kick();
    this.logger.log(
      `tenant ${tenantId}: backfill ${id} of form ${formId} ${since.toISOString()} – ${until.toISOString()}`,
    );
    return (await this.list(tenantId)).find((job) => job.id === id)!;
  }

  /** The last 90 days of every form of Pages the tenant just chose (their leads may never have reached us). */
  async createForNewPages(tenantId: string, pageIds: readonly string[]): Promise<number> {
    if (pageIds.length === 0) return 0;
    const forms = (await this.forms.list(tenantId)).filter((form) => pageIds.includes(form.page_id));
    if (forms.length === 0) return 0;
    const until = new Date();
    const since = new Date(until.getTime() - NEW_PAGE_BACKFILL_DAYS * DAY_MS);
    const ids = await this.insert(
      tenantId,
      forms.map((form) => ({ formId: form.form_id, pageId: form.page_id })),
      since,
      until,
      'page_chosen',
    );
    this.worker.kick();
    return ids.length;
  }

  /** The tenant's backfills, newest first (the 50 latest), with their progress. */
  async list(tenantId: string): Promise<LeadgenBackfillView[]> {
    const rows: ViewRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT ${VIEW_COLUMNS}
           FROM ${TABLE} b
           LEFT JOIN meta_ads.lead_forms f ON f.tenant_id = b.tenant_id AND f.form_id = b.form_id
           LEFT JOIN meta_ads.pages p ON p.tenant_id = b.tenant_id AND p.page_id = b.page_id
          WHERE b.tenant_id = $1
          ORDER BY b.created_at DESC, b.id
          LIMIT 50`,
        [tenantId],
      ),
    );
    return rows.map(toView);
  }

  /** One sweep now (tests); resolves with how many jobs it handled. */
  runOnce(): Promise<number> {
    return this.worker.runOnce();
  }

  private async insert(
    tenantId: string,
    forms: readonly { formId: string; pageId: string }[],
    since: Date,
    until: Date,
    reason: 'manual' | 'page_chosen',
    requestedBy?: string,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO ${TABLE} (tenant_id, form_id, page_id, since, until, reason, requested_by)
         SELECT $1, f.form_id, f.page_id, $4, $5, $6, $7
           FROM unnest($2::text[], $3::text[]) AS f(form_id, page_id)
         RETURNING id`,
        [
          tenantId,
          forms.map((form) => form.formId),
          forms.map((form) => form.pageId),
          since,
          until,
          reason,
          requestedBy ?? null,
        ],
      ),
    );
    return rows.map((row) => row.id);
  }

  /** Up to SLICE_PAGES pages of the job's range, below where it got to; done when Meta has no next page. */
  private async slice(row: BackfillRow): Promise<WorkResult> {
    const tenantId = row.tenant_id;
    try {
      const { token } = await this.connections.requireActive(tenantId);
      const before = row.resume_before ?? row.until;
      const filtering = JSON.stringify([
        { field: 'time_created', operator: 'GREATER_THAN_OR_EQUAL', value: unixSeconds(row.since) },
        { field: 'time_created', operator: 'LESS_THAN', value: Math.ceil(before.getTime() / 1000) },
      ]);
      let after: string | undefined;
      for (let pages = 0; pages < SLICE_PAGES; pages++) {
        const page = await this.graph.get<LeadsPage>({
          tenantId,
          family: 'ads',
          token,
          storedToken: true,
          path: `${row.form_id}/leads`,
          query: { fields: LEAD_FIELDS, filtering, limit: PAGE_LIMIT, after },
        });
        const leads = Array.isArray(page.data) ? page.data : [];
        let published = 0;
        let oldest: Date | null = null;
        for (const lead of leads) {
          const leadgenId = idOf(lead.id);
          if (!leadgenId) continue;
          const createdIso = metaTimeToIso(lead.created_time);
          const createdTime = createdIso ? new Date(createdIso) : undefined;
          if (createdTime && (!oldest || createdTime < oldest)) oldest = createdTime;
          const outcome = await this.leadgens.publishRead(
            tenantId,
            token,
            { leadgenId, pageId: row.page_id, formId: row.form_id, ...(createdTime ? { createdTime } : {}) },
            lead,
          );
          if (outcome === 'published') published++;
        }
        // Newest first: what is left is below the oldest lead of this page. Its second is read again next time
        // (no "less than or equal" in Meta's filter): those leads are skipped by their receipts.
        const resumeBefore = oldest ? new Date((Math.floor(oldest.getTime() / 1000) + 1) * 1000) : null;
        await this.recordPage(row, leads.length, published, resumeBefore);
        after = page.paging?.next ? page.paging.cursors?.after : undefined;
        if (!after) return 'done';
      }
      // More pages: give the other jobs a turn, then go on from `resume_before`.
      await this.yieldTurn(row);
      this.worker.kick();
      return { settled: 'retried' };
    } catch (error) {
      if (!(error instanceof DomainError) || !DEFERRABLE_LEADGEN_CODES.includes(error.code)) throw error;
      this.logger.warn(`tenant ${tenantId}: backfill ${row.id} waits: ${error.code}`);
      return {
        retryInMs: leadgenRetryDelayMs(this.config.LEADGEN_RETRY_MS, row.attempts),
        error: { code: error.code, message: error.message },
      };
    }
  }

  /** Progress after a page, while the job is still ours. */
  private async recordPage(row: BackfillRow, found: number, published: number, resumeBefore: Date | null) {
    await this.db.withTenant(row.tenant_id, (db) =>
      db.query(
        `UPDATE ${TABLE}
            SET leads_found = leads_found + $3, leads_published = leads_published + $4, pages_read = pages_read + 1,
                resume_before = LEAST($5::timestamptz, resume_before),
                attempts = 0, last_error = NULL
          WHERE id = $1 AND lease_owner = $2`,
        [row.id, row.lease_owner, found, published, resumeBefore],
      ),
    );
  }

  /** End this slice without finishing: due again at once, for any replica. */
  private async yieldTurn(row: BackfillRow): Promise<void> {
    await this.db.withTenant(row.tenant_id, (db) =>
      db.query(
        `UPDATE ${TABLE} SET lease_owner = NULL, locked_until = NULL, next_attempt_at = now()
          WHERE id = $1 AND lease_owner = $2`,
        [row.id, row.lease_owner],
      ),
    );
  }
}

const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

function stateOf(row: BackfillRow): LeadgenBackfillState {
  if (row.finished_at) return 'done';
  if (row.parked_at) return 'failed';
  if (row.locked_until && row.locked_until.getTime() > Date.now()) return 'running';
  return row.last_error ? 'waiting' : 'queued';
}

type ViewRow = BackfillRow & { form_name: string | null; page_name: string | null };

function toView(row: ViewRow): LeadgenBackfillView {
  return {
    id: row.id,
    formId: row.form_id,
    formName: row.form_name,
    pageId: row.page_id,
    pageName: row.page_name,
    since: row.since.toISOString(),
    until: row.until.toISOString(),
    reason: row.reason,
    state: stateOf(row),
    leadsFound: row.leads_found,
    leadsPublished: row.leads_published,
    pagesRead: row.pages_read,
    lastError: row.last_error ? { code: row.last_error.code, message: row.last_error.message } : null,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}
