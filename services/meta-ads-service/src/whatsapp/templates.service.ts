import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Events,
  type CreateTemplateInput,
  type TemplateDetailView,
  type TemplateStatusChangedEvent,
  type TemplateView,
} from '@crm/contracts';
import { OutboxService, TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import {
  bodyTextOf,
  countPositionalParameters,
  normaliseLanguage,
  templateStructure,
  type TemplateComponent,
} from './template-parameters';
import { metaTemplateBody } from './template-create';
import { TemplateEntity } from './template.entity';
import {
  applyUpdate,
  keyOf,
  meaningfulReason,
  statusEvent,
  type TemplateUpdateOutcome,
  type TemplateWebhookUpdate,
} from './template-updates';

/** A template as `GET /{waba-id}/message_templates` returns it (REFERENCE §7.2); ids may be JSON numbers. */
type GraphTemplate = {
  id: string | number;
  name: string;
  language: string;
  status?: string;
  category?: string;
  sub_category?: string;
  previous_category?: string;
  parameter_format?: string;
  rejected_reason?: string;
  quality_score?: { score?: string; date?: number | string } | null;
  components?: TemplateComponent[];
};

/** Every field of a template we keep (the sync asks for all of them). */
const TEMPLATE_FIELDS = [
  'id',
  'name',
  'language',
  'status',
  'category',
  'sub_category',
  'previous_category',
  'parameter_format',
  'rejected_reason',
  'quality_score',
  'components',
].join(',');

/** WhatsApp templates of the connected WABA: served from the last sync, refreshed on demand. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
    private readonly outbox: OutboxService,
  ) {}

  /** `fn` with the TemplateEntity repository in a transaction scoped to the tenant. */
  private templates<T>(
    tenantId: string,
    fn: (templates: Repository<TemplateEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(TemplateEntity)));
  }

  async list(tenantId: string, refresh = false): Promise<TemplateView[]> {
    return (await this.currentRows(tenantId, refresh)).map(toView);
  }

  /** Templates with header, footer, buttons, quality, reason and `rejection_info` (`refresh` syncs first). */
  async details(tenantId: string, refresh = false): Promise<TemplateDetailView[]> {
    return (await this.currentRows(tenantId, refresh)).map(toDetailView);
  }

  /** The stored rows; synced first when asked or when nothing is stored yet. */
  private async currentRows(tenantId: string, refresh: boolean): Promise<TemplateEntity[]> {
    const rows = await this.rows(tenantId);
    if (!refresh && rows.length > 0) return rows;
    await this.syncTenant(tenantId);
    return this.rows(tenantId);
  }

  /** Sync the tenant's connected WABA now. */
  async syncTenant(tenantId: string): Promise<number> {
    const { connection, token } = await this.connections.requireActive(tenantId);
    if (!connection.wabaId) {
      throw new DomainError(
        'META_NOT_CONNECTED',
        'no WhatsApp Business account is connected for this account',
      );
    }
    return this.syncWaba(tenantId, connection.wabaId, token);
  }

  /**
   * Replace the tenant's templates with the WABA's current list (all pages, all fields). Templates gone at Meta are
   * deleted; a status that changed since the last sync (a webhook we missed) is published like a webhook's.
   */
  async syncWaba(tenantId: string, wabaId: string, token: string): Promise<number> {
    const items = await this.graph.getAll<GraphTemplate>({
      tenantId,
      family: 'whatsapp',
      token,
      storedToken: true,
      path: `${wabaId}/message_templates`,
      query: { fields: TEMPLATE_FIELDS, limit: 100 },
    });
    const syncedAt = new Date();
    const { count, published } = await this.db.withTenant(tenantId, async (db) => {
      const repo = db.getRepository(TemplateEntity);
      const stored = new Map((await repo.find({ where: { tenantId } })).map((row) => [keyOf(row), row]));
      const rows = new Map<string, TemplateEntity>();
      for (const t of items) {
        if (t.id === undefined || t.id === null || !t.name || !t.language) continue;
        const key = keyOf({ name: t.name, language: normaliseLanguage(t.language) });
        rows.set(key, fromGraph(tenantId, wabaId, t, syncedAt, stored.get(key)));
      }
      const list = [...rows.values()];
      if (list.length > 0) {
        await repo.upsert(list as QueryDeepPartialEntity<TemplateEntity>[], ['tenantId', 'name', 'language']);
      }
      const gone = [...stored.values()].filter((row) => !rows.has(keyOf(row)));
      for (const row of gone) await repo.delete({ tenantId, name: row.name, language: row.language });
      const changes: TemplateStatusChangedEvent[] = [
        ...list
          .filter((row) => {
            const before = stored.get(keyOf(row));
            return before !== undefined && before.status !== row.status;
          })
          .map((row) => statusEvent(row, stored.get(keyOf(row))!.status, syncedAt)),
        ...gone.map((row) => statusEvent({ ...row, status: 'DELETED' }, row.status, syncedAt)),
      ];
      await this.outbox.enqueueMany(db, tenantId, Events.templateStatusChanged, changes);
      return { count: list.length, published: changes.length };
    });
    if (published > 0) this.outbox.kick();
    return count;
  }

  /**
   * A status, quality or category webhook for one template (by id, else name + language). An update older than the
   * one stored (Meta's event time) is ignored; one that changes nothing is not published again (a redelivery).
   */
  async applyWebhookUpdate(tenantId: string, update: TemplateWebhookUpdate): Promise<TemplateUpdateOutcome> {
    const outcome = await this.db.withTenant(tenantId, async (db): Promise<TemplateUpdateOutcome> => {
      const repo = db.getRepository(TemplateEntity);
      const where = update.templateId
        ? { tenantId, templateId: update.templateId }
        : update.name && update.language
          ? { tenantId, name: update.name, language: normaliseLanguage(update.language) }
          : undefined;
      if (!where) return 'unknown';
      const row = await repo.findOne({ where, lock: { mode: 'pessimistic_write' } });
      if (!row) return 'unknown';
      const next = applyUpdate(row, update);
      if (next === 'stale' || next === 'unchanged') return next;
      if (next.status === 'DELETED') {
        await repo.delete({ tenantId, name: row.name, language: row.language });
      } else {
        await repo.update(
          { tenantId, name: row.name, language: row.language },
          {
            status: next.status,
            category: next.category,
            previousCategory: next.previousCategory,
            qualityScore: next.qualityScore,
            qualityUpdatedAt: next.qualityUpdatedAt,
            reason: next.reason,
            rejectionInfo: next.rejectionInfo as QueryDeepPartialEntity<TemplateEntity>['rejectionInfo'],
            statusUpdatedAt: next.statusUpdatedAt,
          },
        );
      }
      await this.outbox.enqueue(
        db,
        tenantId,
        Events.templateStatusChanged,
        statusEvent(next, row.status, update.at),
      );
      return 'applied';
    });
    if (outcome === 'applied') this.outbox.kick();
    return outcome;
  }

  /**
   * Submit a template to Meta for review. Meta's validation errors come back as META_REJECTED (422) with Meta's
   * words for the user (`error_user_title: error_user_msg`); the created template is stored as Meta answered
   * (PENDING) and reaches APPROVED or REJECTED by the status webhook or the next sync.
   */
  async create(tenantId: string, input: CreateTemplateInput): Promise<TemplateDetailView> {
    const { connection, token } = await this.connections.requireActive(tenantId);
    const wabaId = connection.wabaId;
    if (!wabaId) {
      throw new DomainError(
        'META_NOT_CONNECTED',
        'no WhatsApp Business account is connected for this account',
      );
    }
    const body = metaTemplateBody(input);
    const created = await this.graph.post<{ id?: string | number; status?: string; category?: string }>({
      tenantId,
      family: 'whatsapp',
      token,
      storedToken: true,
      path: `${wabaId}/message_templates`,
      body,
    });
    if (created.id === undefined || created.id === null || created.id === '') {
      throw new DomainError('META_UNAVAILABLE', 'Meta accepted the template without an id; refresh the list');
    }
    const now = new Date();
    const components = body.components.map(upperCaseTypes);
    const bodyText = bodyTextOf(components);
    const row: TemplateEntity = {
      tenantId,
      wabaId,
      templateId: String(created.id),
      name: input.name,
      language: input.language,
      status: created.status ?? 'PENDING',
      category: created.category ?? input.category,
      bodyText,
      parameterCount: countPositionalParameters(bodyText),
      components,
      syncedAt: now,
      subCategory: null,
      previousCategory: null,
      parameterFormat: 'POSITIONAL',
      qualityScore: null,
      qualityUpdatedAt: null,
      reason: null,
      rejectionInfo: null,
      // Meta's time of PENDING is not in its answer: the review's webhook (seconds precision) must not look older.
      statusUpdatedAt: null,
    };
    await this.templates(tenantId, (repo) =>
      repo.upsert(row as QueryDeepPartialEntity<TemplateEntity>, ['tenantId', 'name', 'language']),
    );
    return toDetailView(row);
  }

  deleteForTenant(tenantId: string): Promise<unknown> {
    return this.templates(tenantId, (templates) => templates.delete({ tenantId }));
  }

  private rows(tenantId: string): Promise<TemplateEntity[]> {
    return this.templates(tenantId, (templates) =>
      templates.find({ where: { tenantId }, order: { name: 'ASC', language: 'ASC' } }),
    );
  }
}

/**
 * A synced template as a row. What the listing does not carry is kept from the stored row while the status is the
 * same (the webhook's `rejection_info`, the status time).
 */
function fromGraph(
  tenantId: string,
  wabaId: string,
  t: GraphTemplate,
  syncedAt: Date,
  stored: TemplateEntity | undefined,
): TemplateEntity {
  const components = Array.isArray(t.components) ? t.components : [];
  const bodyText = bodyTextOf(components);
  const status = t.status ?? 'UNKNOWN';
  const sameStatus = stored?.status === status;
  const listedReason = meaningfulReason(t.rejected_reason);
  const score = t.quality_score?.score ?? null;
  const scoreDate = unixSecondsToDate(t.quality_score?.date);
  return {
    tenantId,
    wabaId,
    templateId: String(t.id),
    name: t.name,
    language: normaliseLanguage(t.language),
    status,
    category: t.category ?? 'UNKNOWN',
    bodyText,
    parameterCount: countPositionalParameters(bodyText),
    components,
    syncedAt,
    subCategory: t.sub_category ?? null,
    previousCategory: t.previous_category ?? null,
    parameterFormat: t.parameter_format ?? null,
    qualityScore: score ?? stored?.qualityScore ?? null,
    qualityUpdatedAt:
      scoreDate ??
      (score !== null && score !== stored?.qualityScore ? syncedAt : (stored?.qualityUpdatedAt ?? null)),
    reason: listedReason ?? (sameStatus ? (stored?.reason ?? null) : null),
    rejectionInfo: sameStatus ? (stored?.rejectionInfo ?? null) : null,
    // When a template is first seen we do not know when Meta set its status (null: any webhook applies); a status
    // the sync sees change is stamped with the sync time (a webhook from before it is then older and ignored).
    statusUpdatedAt: sameStatus ? (stored?.statusUpdatedAt ?? null) : stored ? syncedAt : null,
  };
}

/** Meta stores component and button types upper-case (`body` is accepted on create). */
function upperCaseTypes(component: TemplateComponent): TemplateComponent {
  const type = typeof component.type === 'string' ? component.type.toUpperCase() : component.type;
  return { ...component, type };
}

function unixSecondsToDate(value: number | string | undefined): Date | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000)
    : null;
}

function toDetailView(row: TemplateEntity): TemplateDetailView {
  const components = Array.isArray(row.components) ? (row.components as TemplateComponent[]) : [];
  return {
    ...toView(row),
    qualityScore: row.qualityScore,
    reason: row.reason,
    rejectionInfo: row.rejectionInfo,
    ...templateStructure(components),
    statusUpdatedAt: row.statusUpdatedAt ? row.statusUpdatedAt.toISOString() : null,
  };
}

function toView(row: TemplateEntity): TemplateView {
  return {
    id: row.templateId,
    name: row.name,
    language: row.language,
    status: row.status,
    category: row.category,
    bodyText: row.bodyText,
    parameterCount: row.parameterCount,
    syncedAt: row.syncedAt.toISOString(),
  };
}
