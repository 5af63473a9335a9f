import { Injectable } from '@nestjs/common';
import { DomainError, type TemplateDetailView, type TemplateView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { In, Not, Repository } from 'typeorm';
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
import { TemplateEntity } from './template.entity';

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

  /** Replace the tenant's templates with the WABA's current list (all pages). */
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
    return this.templates(tenantId, async (repo) => {
      const stored = new Map(
        (await repo.find({ where: { tenantId } })).map((row) => [`${row.name}\u0000${row.language}`, row]),
      );
      const rows: TemplateEntity[] = items
        .filter((t) => t.id !== undefined && t.id !== null && t.name && t.language)
        .map((t) =>
          fromGraph(
            tenantId,
            wabaId,
            t,
            syncedAt,
            stored.get(`${t.name}\u0000${normaliseLanguage(t.language)}`),
          ),
        );
      if (rows.length > 0) {
        await repo.upsert(rows as QueryDeepPartialEntity<TemplateEntity>[], ['tenantId', 'name', 'language']);
        await repo.delete({ tenantId, templateId: Not(In(rows.map((r) => r.templateId))) });
      } else {
        await repo.delete({ tenantId });
      }
      return rows.length;
    });
  }

  /** `message_template_status_update` webhook: the template's new status (by id, else name + language). */
  async updateStatus(
    tenantId: string,
    update: { templateId?: string; name?: string; language?: string; status: string },
  ): Promise<number> {
    const where = update.templateId
      ? { tenantId, templateId: update.templateId }
      : update.name && update.language
        ? { tenantId, name: update.name, language: normaliseLanguage(update.language) }
        : undefined;
    if (!where) return 0;
    const result = await this.templates(tenantId, (templates) =>
      templates.update(where, { status: update.status }),
    );
    return result.affected ?? 0;
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
 * same (the webhook's `rejection_info`, the status time); a changed status is stamped with the sync time.
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
    statusUpdatedAt: sameStatus ? (stored?.statusUpdatedAt ?? syncedAt) : syncedAt,
  };
}

/** Meta says `NONE` (or nothing) when there is no reason. */
export function meaningfulReason(reason: string | null | undefined): string | null {
  if (typeof reason !== 'string') return null;
  const trimmed = reason.trim();
  return trimmed === '' || trimmed.toUpperCase() === 'NONE' ? null : trimmed;
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
