import { Injectable } from '@nestjs/common';
import { DomainError, type TemplateView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { In, Not, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import {
  bodyTextOf,
  countPositionalParameters,
  normaliseLanguage,
  type TemplateComponent,
} from './template-parameters';
import { TemplateEntity } from './template.entity';

type GraphTemplate = {
  id: string;
  name: string;
  language: string;
  status?: string;
  category?: string;
  components?: TemplateComponent[];
};

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
    let rows = await this.rows(tenantId);
    if (refresh || rows.length === 0) {
      const { connection, token } = await this.connections.requireActive(tenantId);
      if (!connection.wabaId) {
        throw new DomainError(
          'META_NOT_CONNECTED',
          'no WhatsApp Business account is connected for this account',
        );
      }
      await this.syncWaba(tenantId, connection.wabaId, token);
      rows = await this.rows(tenantId);
    }
    return rows.map(toView);
  }

  /** Replace the tenant's templates with the WABA's current list (all pages). */
  async syncWaba(tenantId: string, wabaId: string, token: string): Promise<number> {
    const items = await this.graph.getAll<GraphTemplate>({
      tenantId,
      family: 'whatsapp',
      token,
      storedToken: true,
      path: `${wabaId}/message_templates`,
      query: { fields: 'id,name,language,status,category,components', limit: 100 },
    });
    const syncedAt = new Date();
    const rows: TemplateEntity[] = items
      .filter((t) => t.id && t.name && t.language)
      .map((t) => {
        const components = Array.isArray(t.components) ? t.components : [];
        const bodyText = bodyTextOf(components);
        return {
          tenantId,
          wabaId,
          templateId: String(t.id),
          name: t.name,
          language: normaliseLanguage(t.language),
          status: t.status ?? 'UNKNOWN',
          category: t.category ?? 'UNKNOWN',
          bodyText,
          parameterCount: countPositionalParameters(bodyText),
          components,
          syncedAt,
        };
      });
    await this.templates(tenantId, async (repo) => {
      if (rows.length > 0) {
        await repo.upsert(rows as QueryDeepPartialEntity<TemplateEntity>[], ['tenantId', 'name', 'language']);
        await repo.delete({ tenantId, templateId: Not(In(rows.map((r) => r.templateId))) });
      } else {
        await repo.delete({ tenantId });
      }
    });
    return rows.length;
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
