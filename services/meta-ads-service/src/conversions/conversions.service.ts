import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  DomainError,
  Events,
  Rpc,
  type ConversionDatasetOption,
  type ConversionLogEntry,
  type ConversionLogRequest,
  type ConversionSettingsView,
  type Page,
  type UpdateConversionSettingsRequest,
} from '@crm/contracts';
import {
  DurableWorker,
  JetStreamService,
  LeasedTable,
  RpcClient,
  failureOf,
  type WorkResult,
} from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { CONVERSION_EVENTS_TABLE, ConversionStore, type ConversionEventRow } from './conversion-store';
import { planConversion, type PipelineFact } from './server-event';

/** NATS refuses `.` in durable names. One durable per subject (a consumer follows one subject). */
export const CONVERSION_CONSUMERS = {
  leadStatus: 'meta-ads-service-capi-lead-status',
  opportunity: 'meta-ads-service-capi-opportunity',
  sale: 'meta-ads-service-capi-sale',
} as const;

/** The lead status that is the `qualified` pipeline point. */
export const QUALIFIED_STATUS = 'calificado';

/** Backoff of a send Meta could not take (5xx, 429, network): 5 s doubling to one hour, never given up. */
export const CONVERSION_BACKOFF = { baseMs: 5_000, maxMs: 3_600_000 } as const;
const CONVERSION_POLL_MS = 1_000;

/** Failures after which a send waits (the tenant must reconnect, or Meta must recover): retried, never parked. */
const WAITING_CODES = ['META_TOKEN_EXPIRED', 'META_NOT_CONNECTED', 'META_RATE_LIMITED', 'META_UNAVAILABLE'];

type EventsAnswer = { events_received?: number; fbtrace_id?: string };

/**
 * The Conversions API loop. CRM events (durable consumers on `CRM_EVENTS`) become rows of `conversion_events` when
 * the tenant's setting maps that pipeline point to an event and the lead is keyed to Meta; a `DurableWorker` sends
 * each row to `POST /{dataset_id}/events` with the tenant's token, exactly once per (tenant, lead, event name):
 * the row's primary key stops a second row, leases stop two replicas sending one row at once, and a resend after a
 * crash between Meta's answer and our commit carries the same `event_id`, which Meta deduplicates.
 */
@Injectable()
export class ConversionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Conversions');
  private readonly worker: DurableWorker<ConversionEventRow>;
  private readonly table: LeasedTable<ConversionEventRow>;

  constructor(
    dataSource: DataSource,
    private readonly store: ConversionStore,
    private readonly connections: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly jetstream: JetStreamService,
    private readonly rpc: RpcClient,
  ) {
    const table = (this.table = new LeasedTable<ConversionEventRow>({
      dataSource,
      table: CONVERSION_EVENTS_TABLE,
      keys: ['tenant_id', 'lead_id', 'event_name'],
      pending: 't.sent_at IS NULL',
      // Like the HSM sends: a tenant whose token expired (190) waits for the reconnect instead of failing.
      claimable: `EXISTS (SELECT 1 FROM meta_ads.connections c
                           WHERE c.tenant_id = t.tenant_id AND c.state = 'connected')`,
      orderBy: ['next_attempt_at', 'created_at'],
      complete: { set: 'sent_at = now()' },
    }));
    this.worker = new DurableWorker<ConversionEventRow>({
      name: 'meta-ads-service.conversions',
      queue: table,
      handler: (row) => this.send(row),
      pollMs: CONVERSION_POLL_MS,
      leaseMs: 60_000,
      batchSize: 20,
      backoff: CONVERSION_BACKOFF,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: CONVERSION_CONSUMERS.leadStatus,
      subject: Events.leadStatusChanged,
      handler: async (event) => {
        if (event.to !== QUALIFIED_STATUS) return;
        await this.reached(event.tenantId, event.leadId, {
          point: 'qualified',
          occurredAt: new Date(event.changedAt),
        });
      },
    });
    await this.jetstream.consume({
      durable: CONVERSION_CONSUMERS.opportunity,
      subject: Events.opportunityCreated,
      handler: (event) =>
        this.reached(event.tenantId, event.leadId, {
          point: 'opportunity',
          occurredAt: new Date(event.createdAt),
        }),
    });
    await this.jetstream.consume({
      durable: CONVERSION_CONSUMERS.sale,
      subject: Events.saleCompleted,
      handler: (event) =>
        this.reached(event.tenantId, event.leadId, {
          point: 'won',
          occurredAt: new Date(event.completedAt),
          value: event.amount,
          currency: event.currency,
        }),
    });
    this.worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker.stop();
  }

  /** A lead reached a pipeline point: queue its event when the tenant sends that point and the lead is Meta's. */
  async reached(tenantId: string, leadId: string, fact: PipelineFact): Promise<void> {
    const settings = await this.store.settings(tenantId);
    if (!settings.enabled || !settings.datasetId) return;
    const lead = await this.rpc.call(Rpc.crm.getLead, { tenantId, leadId });
    const planned = planConversion(
      tenantId,
      settings,
      {
        id: lead.id,
        phone: lead.phone,
        email: lead.email,
        ctwaClid: lead.ctwaClid,
        metaLeadgenId: lead.metaLeadgenId ?? null,
      },
      fact,
    );
    if (!planned) return;
    const queued = await this.store.enqueue(
      tenantId,
      { id: leadId, name: lead.name },
      fact.point,
      settings.datasetId,
      planned,
    );
    if (queued) this.worker.kick();
  }

  /**
   * The tenant reconnected Meta: its events held since a 190 (or waiting out a long backoff) are due now, without
   * holding up the caller. Other replicas see them on their next poll.
   */
  retryTenantSoon(tenantId: string): void {
    void this.table
      .makeDue('t.tenant_id = $1 AND t.sent_at IS NULL', [tenantId])
      .then((due) => {
        if (due > 0) this.worker.kick();
      })
      .catch((error: unknown) =>
        this.logger.error(
          `tenant ${tenantId}: waking held conversion events failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }

  /** One claimed row to Meta. */
  private async send(row: ConversionEventRow): Promise<WorkResult> {
    try {
      const { token } = await this.connections.requireActive(row.tenant_id);
      const answer = await this.graph.post<EventsAnswer>({
        tenantId: row.tenant_id,
        family: 'ads',
        path: `${row.dataset_id}/events`,
        token,
        storedToken: true,
        body: { data: [row.server_event] },
      });
      await this.store.recordTrace(row, answer.fbtrace_id ?? null);
      return 'done';
    } catch (error) {
      if (error instanceof DomainError && !WAITING_CODES.includes(error.code)) {
        // Meta refused the event (4xx: invalid parameter, permission…): sending it again cannot help.
        return { park: { code: error.code, message: reasonOf(error) } };
      }
      throw error;
    }
  }

  settings(tenantId: string): Promise<ConversionSettingsView> {
    return this.store.settings(tenantId);
  }

  updateSettings(request: UpdateConversionSettingsRequest): Promise<ConversionSettingsView> {
    return this.store.updateSettings(request);
  }

  /** The connected business's datasets (`GET /{business}/owned_pixels`). */
  async datasets(tenantId: string): Promise<ConversionDatasetOption[]> {
    const { connection, token } = await this.connections.requireActive(tenantId);
    if (!connection.businessId) {
      throw new DomainError('VALIDATION', 'choose a business portfolio before a dataset');
    }
    const pixels = await this.graph.getAll<{ id: string; name?: string }>({
      tenantId,
      family: 'ads',
      path: `${connection.businessId}/owned_pixels`,
      query: { fields: 'id,name' },
      token,
      storedToken: true,
    });
    return pixels.map((pixel) => ({ id: String(pixel.id), name: pixel.name ?? String(pixel.id) }));
  }

  log(request: ConversionLogRequest): Promise<Page<ConversionLogEntry>> {
    return this.store.log(request.tenantId, {
      state: request.state,
      page: request.page,
      pageSize: request.pageSize,
    });
  }
}

/** Meta's words (its `error_user_title: error_user_msg` when given) with code and subcode: the line the log shows. */
function reasonOf(error: DomainError): string {
  const code = error.details?.metaCode;
  const subcode = error.details?.metaSubcode;
  const codes =
    code === undefined ? '' : ` (#${String(code)}${subcode === undefined ? '' : `/${String(subcode)}`})`;
  return `${failureOf(error).message}${codes}`;
}
