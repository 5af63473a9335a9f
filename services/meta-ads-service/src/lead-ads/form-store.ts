import { Injectable } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import type { FormMapping, FormQuestion } from './form-mapping';

/** A Lead Ads form as stored (`meta_ads.lead_forms`). */
export type FormRow = {
  tenant_id: string;
  form_id: string;
  page_id: string;
  /** The chosen Page's name (null once the Page is no longer chosen). */
  page_name: string | null;
  name: string;
  status: string;
  locale: string | null;
  questions: FormQuestion[];
  mapping: FormMapping | null;
  synced_at: Date;
};

/** A form as Meta lists it, ready to store. */
export type SyncedForm = {
  id: string;
  name: string;
  status: string;
  locale: string | null;
  questions: FormQuestion[];
};

/** Read through the alias `f` (the Page's name from `meta_ads.pages`). */
const COLUMNS = `f.tenant_id, f.form_id, f.page_id, f.name, f.status, f.locale, f.questions, f.mapping, f.synced_at,
  (SELECT p.name FROM meta_ads.pages p WHERE p.tenant_id = f.tenant_id AND p.page_id = f.page_id) AS page_name`;

/** `meta_ads.lead_forms`: every read and write of the tenant's synced forms and their mappings. */
@Injectable()
export class FormStore {
  constructor(private readonly db: TenantDatabase) {}

  list(tenantId: string): Promise<FormRow[]> {
    return this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT ${COLUMNS} FROM meta_ads.lead_forms f
          WHERE f.tenant_id = $1
            AND EXISTS (SELECT 1 FROM meta_ads.pages p WHERE p.page_id = f.page_id AND p.tenant_id = $1)
          ORDER BY f.name, f.form_id`,
        [tenantId],
      ),
    );
  }

  async find(tenantId: string, formId: string): Promise<FormRow | null> {
    const rows: FormRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT ${COLUMNS} FROM meta_ads.lead_forms f WHERE f.tenant_id = $1 AND f.form_id = $2`, [
        tenantId,
        formId,
      ]),
    );
    return rows[0] ?? null;
  }

  /**
   * The Page's forms as Meta lists them now: new ones inserted, known ones refreshed (their mapping kept), the ones
   * Meta no longer lists deleted.
   */
  async replacePage(tenantId: string, pageId: string, forms: readonly SyncedForm[]): Promise<void> {
    await this.db.withTenant(tenantId, async (db) => {
      await db.query(
        `DELETE FROM meta_ads.lead_forms WHERE tenant_id = $1 AND page_id = $2 AND NOT (form_id = ANY($3::text[]))`,
        [tenantId, pageId, forms.map((form) => form.id)],
      );
      if (forms.length === 0) return;
      await db.query(
        `INSERT INTO meta_ads.lead_forms (tenant_id, form_id, page_id, name, status, locale, questions, synced_at)
         SELECT $1, f.id, $2, f.name, f.status, f.locale, f.questions, now()
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
                AS f(id, name, status, locale, questions)
         ON CONFLICT (tenant_id, form_id) DO UPDATE
           SET page_id = EXCLUDED.page_id, name = EXCLUDED.name, status = EXCLUDED.status,
               locale = EXCLUDED.locale, questions = EXCLUDED.questions, synced_at = EXCLUDED.synced_at`,
        [
          tenantId,
          pageId,
          forms.map((form) => form.id),
          forms.map((form) => form.name),
          forms.map((form) => form.status),
          forms.map((form) => form.locale),
          forms.map((form) => JSON.stringify(form.questions)),
        ],
      );
    });
  }

  /** Store the form's mapping (null: back to the defaults); the row, or null when the form is not the tenant's. */
  async setMapping(tenantId: string, formId: string, mapping: FormMapping | null): Promise<FormRow | null> {
    const rows: [FormRow[], number] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `UPDATE meta_ads.lead_forms f SET mapping = $3::jsonb
          WHERE f.tenant_id = $1 AND f.form_id = $2
      RETURNING ${COLUMNS}`,
        [tenantId, formId, mapping ? JSON.stringify(mapping) : null],
      ),
    );
    return rows[0]?.[0] ?? null;
  }
}
