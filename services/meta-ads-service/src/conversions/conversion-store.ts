import { Injectable } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import type {
  ConversionEventName,
  ConversionLogEntry,
  ConversionLogState,
  ConversionPoint,
  ConversionSettingsView,
  Page,
  UpdateConversionSettingsRequest,
} from '@crm/contracts';
import { TenantDatabase, cappedCountSql, cappedTotal } from '@crm/nest-common';
import type { PlannedConversion, ServerEvent } from './server-event';

export const CONVERSION_EVENTS_TABLE = 'meta_ads.conversion_events';

/** Defaults of a tenant that never saved the settings: off; qualified → QualifiedLead, won → Purchase. */
export const DEFAULT_CONVERSION_SETTINGS: ConversionSettingsView = {
  enabled: false,
  datasetId: null,
  qualifiedEvent: 'QualifiedLead',
  opportunityEvent: null,
  wonEvent: 'Purchase',
  updatedAt: null,
};

type SettingsRow = {
  enabled: boolean;
  dataset_id: string | null;
  qualified_event: ConversionEventName | null;
  opportunity_event: ConversionEventName | null;
  won_event: ConversionEventName | null;
  updated_at: Date;
};

/** A row of `conversion_events` as the worker claims it. */
export type ConversionEventRow = {
  tenant_id: string;
  lead_id: string;
  event_name: ConversionEventName;
  event_id: string;
  dataset_id: string;
  server_event: ServerEvent;
  attempts: number;
};

type LogRow = ConversionEventRow & {
  lead_name: string | null;
  point: ConversionPoint;
  keyed_by: 'lead_id' | 'ctwa_clid';
  event_time: Date;
  value: string | null;
  currency: string | null;
  sent_at: Date | null;
  parked_at: Date | null;
  last_error: { code: string; message: string; at: string } | null;
  created_at: Date;
};

const toSettings = (row: SettingsRow | undefined): ConversionSettingsView =>
  row
    ? {
        enabled: row.enabled,
        datasetId: row.dataset_id,
        qualifiedEvent: row.qualified_event,
        opportunityEvent: row.opportunity_event,
        wonEvent: row.won_event,
        updatedAt: row.updated_at.toISOString(),
      }
    : DEFAULT_CONVERSION_SETTINGS;

const stateOf = (row: LogRow): ConversionLogState =>
  row.sent_at ? 'sent' : row.parked_at ? 'parked' : 'pending';

/** `conversion_settings` and `conversion_events`: every read and write of them, scoped to the tenant. */
@Injectable()
export class ConversionStore {
  constructor(private readonly db: TenantDatabase) {}

  async settings(tenantId: string): Promise<ConversionSettingsView> {
    const rows: SettingsRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT * FROM meta_ads.conversion_settings WHERE tenant_id = $1`, [tenantId]),
    );
    return toSettings(rows[0]);
  }

  /** Changes only the fields given (null clears an event mapping or the dataset). */
  async updateSettings(request: UpdateConversionSettingsRequest): Promise<ConversionSettingsView> {
    const current = await this.settings(request.tenantId);
    const next = {
      enabled: request.enabled ?? current.enabled,
      datasetId: request.datasetId !== undefined ? request.datasetId : current.datasetId,
      qualifiedEvent: request.qualifiedEvent !== undefined ? request.qualifiedEvent : current.qualifiedEvent,
      opportunityEvent:
        request.opportunityEvent !== undefined ? request.opportunityEvent : current.opportunityEvent,
      wonEvent: request.wonEvent !== undefined ? request.wonEvent : current.wonEvent,
    };
    if (next.enabled && !next.datasetId) {
      throw new DomainError('VALIDATION', 'choose a dataset before turning the Conversions API on');
    }
    const rows: SettingsRow[] = await this.db.withTenant(request.tenantId, (db) =>
      db.query(
        `INSERT INTO meta_ads.conversion_settings
           (tenant_id, enabled, dataset_id, qualified_event, opportunity_event, won_event, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (tenant_id) DO UPDATE
           SET enabled = EXCLUDED.enabled, dataset_id = EXCLUDED.dataset_id,
               qualified_event = EXCLUDED.qualified_event, opportunity_event = EXCLUDED.opportunity_event,
               won_event = EXCLUDED.won_event, updated_at = now()
         RETURNING *`,
        [
          request.tenantId,
          next.enabled,
          next.datasetId,
          next.qualifiedEvent,
          next.opportunityEvent,
          next.wonEvent,
        ],
      ),
    );
    return toSettings(rows[0]);
  }

  /** The event to send, once per (tenant, lead, event name): false when the lead already has it. */
  async enqueue(
    tenantId: string,
    lead: { id: string; name: string | null },
    point: ConversionPoint,
    datasetId: string,
    planned: PlannedConversion,
  ): Promise<boolean> {
    const { serverEvent } = planned;
    const rows: unknown[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `INSERT INTO meta_ads.conversion_events
           (tenant_id, lead_id, event_name, point, event_id, dataset_id, keyed_by, event_time, value, currency,
            server_event, lead_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), $9, $10, $11, $12)
         ON CONFLICT DO NOTHING
         RETURNING 1`,
        [
          tenantId,
          lead.id,
          planned.eventName,
          point,
          planned.eventId,
          datasetId,
          planned.keyedBy,
          serverEvent.event_time,
          serverEvent.custom_data?.value ?? null,
          serverEvent.custom_data?.currency ?? null,
          JSON.stringify(serverEvent),
          lead.name,
        ],
      ),
    );
    return rows.length > 0;
  }

  async recordTrace(row: ConversionEventRow, fbtraceId: string | null): Promise<void> {
    await this.db.withTenant(row.tenant_id, (db) =>
      db.query(
        `UPDATE meta_ads.conversion_events SET fbtrace_id = $4
          WHERE tenant_id = $1 AND lead_id = $2 AND event_name = $3`,
        [row.tenant_id, row.lead_id, row.event_name, fbtraceId],
      ),
    );
  }

  /** A page of the tenant's log, newest first, counted up to `LIST_TOTAL_CAP`. */
  async log(
    tenantId: string,
    options: { state?: ConversionLogState; page?: number; pageSize?: number },
  ): Promise<Page<ConversionLogEntry>> {
    const page = options.page ?? 1;
    const pageSize = options.pageSize ?? 25;
    const filter = `tenant_id = $1
            AND ($2::text IS NULL
                 OR ($2 = 'sent' AND sent_at IS NOT NULL)
                 OR ($2 = 'parked' AND sent_at IS NULL AND parked_at IS NOT NULL)
                 OR ($2 = 'pending' AND sent_at IS NULL AND parked_at IS NULL))`;
    const state = options.state ?? null;
    const [rows, counted] = await this.db.withTenant(tenantId, async (db) => {
      const found: LogRow[] = await db.query(
        `SELECT * FROM meta_ads.conversion_events WHERE ${filter}
          ORDER BY created_at DESC, event_id
          LIMIT $3 OFFSET $4`,
        [tenantId, state, pageSize, (page - 1) * pageSize],
      );
      const total: { total: number }[] = await db.query(
        cappedCountSql(`meta_ads.conversion_events WHERE ${filter}`),
        [tenantId, state],
      );
      return [found, total[0].total] as const;
    });
    return { items: rows.map(toLogEntry), ...cappedTotal(counted), page, pageSize };
  }
}

const toLogEntry = (row: LogRow): ConversionLogEntry => ({
  leadId: row.lead_id,
  leadName: row.lead_name,
  eventName: row.event_name,
  point: row.point,
  eventId: row.event_id,
  datasetId: row.dataset_id,
  keyedBy: row.keyed_by,
  value: row.value === null ? null : Number(row.value),
  currency: row.currency,
  eventTime: row.event_time.toISOString(),
  state: stateOf(row),
  attempts: row.attempts,
  lastError: row.last_error,
  sentAt: row.sent_at ? row.sent_at.toISOString() : null,
  createdAt: row.created_at.toISOString(),
});
