import { Injectable } from '@nestjs/common';
import type { TenantView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import type { OptOutPhrases } from '../common/opt-out';
import { updateReturning, type SqlRunner } from '../common/sql';

/** The settings a tenant may change; a field left out keeps its value. */
export type TenantChanges = Partial<
  Pick<TenantView, 'name' | 'currency' | 'timezone' | 'locale' | 'optOutKeywords' | 'optOutButtonTexts'>
>;

const TENANT_SELECT = `id, name, currency, timezone, locale,
  opt_out_keywords AS "optOutKeywords", opt_out_button_texts AS "optOutButtonTexts"`;

/** `crm.tenants`: its SQL. A tenant row is visible to its own tenant only (row-level security on `id`). */
@Injectable()
export class TenantStore {
  async find(db: EntityManager, tenantId: string): Promise<TenantView | null> {
    const rows: TenantView[] = await db.query(`SELECT ${TENANT_SELECT} FROM crm.tenants WHERE id = $1`, [
      tenantId,
    ]);
    return rows[0] ?? null;
  }

  /** The phrases that opt a contact of this tenant out (see `common/opt-out.ts`). */
  async optOutPhrases(db: EntityManager, tenantId: string): Promise<OptOutPhrases | null> {
    const rows: { keywords: string[]; button_texts: string[] }[] = await db.query(
      `SELECT opt_out_keywords AS keywords, opt_out_button_texts AS button_texts FROM crm.tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0] ? { keywords: rows[0].keywords, buttonTexts: rows[0].button_texts } : null;
  }

  async exists(db: EntityManager, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM crm.tenants WHERE id = $1`, [tenantId]);
    return rows.length > 0;
  }

  /** `locale` defaults to the column's default (`es-MX`) when left out. */
  async insert(db: SqlRunner, tenant: Omit<TenantView, 'locale'> & { locale?: string }): Promise<void> {
    await db.query(
      `INSERT INTO crm.tenants (id, name, currency, timezone, locale)
       VALUES ($1, $2, $3, $4, COALESCE($5, 'es-MX'))`,
      [tenant.id, tenant.name, tenant.currency, tenant.timezone, tenant.locale ?? null],
    );
  }

  async update(db: EntityManager, tenantId: string, changes: TenantChanges): Promise<TenantView | null> {
    const rows = await updateReturning<TenantView>(
      db,
      `UPDATE crm.tenants
          SET name = COALESCE($2, name), currency = COALESCE($3, currency),
              timezone = COALESCE($4, timezone), locale = COALESCE($5, locale),
              opt_out_keywords = COALESCE($6::text[], opt_out_keywords),
              opt_out_button_texts = COALESCE($7::text[], opt_out_button_texts)
        WHERE id = $1
        RETURNING ${TENANT_SELECT}`,
      [
        tenantId,
        changes.name ?? null,
        changes.currency ?? null,
        changes.timezone ?? null,
        changes.locale ?? null,
        changes.optOutKeywords ?? null,
        changes.optOutButtonTexts ?? null,
      ],
    );
    return rows[0] ?? null;
  }
}
