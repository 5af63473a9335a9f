import { Injectable, Logger } from '@nestjs/common';
import { DomainError, type LeadFormView } from '@crm/contracts';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { checkMapping, defaultFieldFor, effectiveField, type FormQuestion } from './form-mapping';
import { FormStore, type FormRow, type SyncedForm } from './form-store';
import { ManagedPages } from './managed-pages';
import { PageStore } from './page-store';

/** A LeadgenForm of `GET /{page}/leadgen_forms` (REFERENCE §6.4): only what is stored. */
type GraphForm = { id?: unknown; name?: unknown; status?: unknown; locale?: unknown; questions?: unknown };

/**
 * Lead Ads forms of the tenant's Pages: synced from Meta (on the Page choice, on demand, periodically), listed
 * with their questions and mapping, and the mapping edited per form.
 */
@Injectable()
export class FormsService {
  private readonly logger = new Logger('LeadAdsForms');

  constructor(
    private readonly connections: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly managedPages: ManagedPages,
    private readonly pages: PageStore,
    private readonly forms: FormStore,
  ) {}

  async list(tenantId: string, refresh = false): Promise<LeadFormView[]> {
    let rows = await this.forms.list(tenantId);
    if (refresh || rows.length === 0) {
      const synced = await this.syncTenant(tenantId);
      if (refresh || synced > 0) rows = await this.forms.list(tenantId);
    }
    return rows.map(toFormView);
  }

  async updateMapping(
    tenantId: string,
    formId: string,
    mapping: Record<string, unknown>,
  ): Promise<LeadFormView> {
    const form = await this.forms.find(tenantId, formId);
    if (!form)
      throw new DomainError('NOT_FOUND', `form ${formId} is not a synced form of this account's Pages`);
    const checked = checkMapping(form.questions, mapping);
    const updated = await this.forms.setMapping(
      tenantId,
      formId,
      Object.keys(checked).length > 0 ? checked : null,
    );
    if (!updated)
      throw new DomainError('NOT_FOUND', `form ${formId} is not a synced form of this account's Pages`);
    return toFormView(updated);
  }

  /**
   * Every form of every Page the tenant chose, read with the Page's token; returns how many forms were stored. A
   * Page the user no longer manages is skipped (logged).
   */
  async syncTenant(tenantId: string): Promise<number> {
    const chosen = await this.pages.chosenBy(tenantId);
    if (chosen.length === 0) return 0;
    const { token } = await this.connections.requireActive(tenantId);
    const managed = new Map((await this.managedPages.list(tenantId, token)).map((page) => [page.id, page]));
    let stored = 0;
    for (const { page_id: pageId } of chosen) {
      const pageToken = managed.get(pageId)?.accessToken;
      if (!pageToken) {
        this.logger.warn(
          `tenant ${tenantId}: Page ${pageId} is no longer managed by the Meta user; forms not synced`,
        );
        continue;
      }
      const listed = await this.graph.getAll<GraphForm>({
        tenantId,
        family: 'ads',
        token: pageToken,
        path: `${pageId}/leadgen_forms`,
        query: { fields: 'id,name,status,locale,questions', limit: 100 },
      });
      const forms = listed.map(toSyncedForm).filter((form): form is SyncedForm => form !== null);
      await this.forms.replacePage(tenantId, pageId, forms);
      stored += forms.length;
    }
    return stored;
  }
}

function toSyncedForm(form: GraphForm): SyncedForm | null {
  const id = typeof form.id === 'string' || typeof form.id === 'number' ? String(form.id) : '';
  if (!/^\d{1,30}$/.test(id)) return null;
  const questions: FormQuestion[] = (Array.isArray(form.questions) ? form.questions : [])
    .filter((q): q is Record<string, unknown> => typeof q === 'object' && q !== null)
    .filter((q) => typeof q.key === 'string' && q.key !== '')
    .map((q) => ({
      key: q.key as string,
      label: typeof q.label === 'string' ? q.label : (q.key as string),
      type: typeof q.type === 'string' ? q.type : 'CUSTOM',
    }));
  return {
    id,
    name: typeof form.name === 'string' ? form.name : '',
    status: typeof form.status === 'string' ? form.status : 'ACTIVE',
    locale: typeof form.locale === 'string' ? form.locale : null,
    questions,
  };
}

export function toFormView(row: FormRow): LeadFormView {
  return {
    id: row.form_id,
    pageId: row.page_id,
    pageName: row.page_name,
    name: row.name,
    status: row.status,
    locale: row.locale,
    questions: row.questions.map((question) => ({
      key: question.key,
      label: question.label,
      type: question.type,
      field: effectiveField(question, row.mapping),
      defaultField: defaultFieldFor(question),
    })),
    customMapping: row.mapping !== null,
    syncedAt: row.synced_at.toISOString(),
  };
}
