import { Injectable } from '@nestjs/common';
import type {
  CappedTotal,
  ClientView,
  DashboardMonthRevenue as MonthRevenue,
  SaleStatus,
  SaleView,
} from '@crm/contracts';
import { cappedCountSql, cappedTotal } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../common/bulk-insert';
import { updateReturning, type SqlRunner } from '../common/sql';
import { likePattern } from './lead-list-query';
import type { Visibility } from './opportunity-store';

/** `crm.sales_transactions`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

export type SaleRow = {
  id: string;
  lead_id: string;
  opportunity_id: string | null;
  /** numeric(14,2): the driver returns it as a string. */
  amount: string;
  currency: string;
  status: SaleStatus;
  completed_at: Date | null;
  refunded_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** A complete sale for bulk loads (the demo seed). */
export type SaleRecord = {
  id: string;
  leadId: string;
  opportunityId: string | null;
  amount: number;
  currency: string;
  status: SaleStatus;
  completedAt: Date | null;
  createdAt: Date;
};

export type NewSale = {
  leadId: string;
  opportunityId: string | null;
  amount: number;
  currency: string;
  completedAt: Date;
};

/** Columns a PATCH may set (`undefined` = untouched). */
export type SaleChanges = {
  amount?: number;
  currency?: string;
  completedAt?: Date;
  status?: 'completed' | 'refunded';
};

export type SaleFilter = {
  status?: SaleStatus;
  leadId?: string;
  opportunityId?: string;
  completedFrom?: string;
  completedTo?: string;
};

const COLUMNS =
  's.id, s.lead_id, s.opportunity_id, s.amount, s.currency, s.status, s.completed_at, s.refunded_at, s.created_at, ' +
  's.updated_at';
const RETURNING = COLUMNS.replace(/s\./g, '');

/** Sales with their lead and opportunity: a setter or closer sees those of their leads and opportunities. */
const SALES = `crm.sales_transactions s
  JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
  LEFT JOIN crm.opportunities o ON o.tenant_id = s.tenant_id AND o.id = s.opportunity_id`;

function whereOf(
  tenantId: string,
  visibleTo: Visibility,
  filter: SaleFilter,
): { where: string; params: unknown[] } {
  const params: unknown[] = [tenantId];
  const conditions = ['s.tenant_id = $1'];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (visibleTo) add((p) => `(o.owner_user_id = ${p} OR l.assigned_user_id = ${p})`, visibleTo);
  if (filter.status) add((p) => `s.status = ${p}`, filter.status);
  if (filter.leadId) add((p) => `s.lead_id = ${p}`, filter.leadId);
  if (filter.opportunityId) add((p) => `s.opportunity_id = ${p}`, filter.opportunityId);
  if (filter.completedFrom) add((p) => `s.completed_at >= ${p}`, filter.completedFrom);
  if (filter.completedTo) add((p) => `s.completed_at < ${p}`, filter.completedTo);
  return { where: conditions.join(' AND '), params };
}

/** One client as the clients query answers it (built with `json_build_object`: amounts and instants as text). */
type ClientJson = {
  lead_id: string;
  name: string;
  phone: string;
  assigned_user_id: string | null;
  assigned_user_name: string | null;
  revenue: { currency: string; value: string }[];
  purchases: number;
  last_at: string;
};

@Injectable()
export class SaleStore {
  /**
   * Leads with at least one completed sale (refunded and pending ones do not count), latest purchase first: revenue
   * per currency, number of purchases, last purchase. `assignedTo` keeps the leads assigned to that user (the lead
   * visibility of a setter or closer); `search` matches part of the name. One statement: the page and the total (up
   * to `LIST_TOTAL_CAP`).
   */
  async clientsPage(
    db: EntityManager,
    tenantId: string,
    assignedTo: string | undefined,
    search: string | undefined,
    page: number,
    pageSize: number,
  ): Promise<CappedTotal & { items: ClientView[] }> {
    const params: unknown[] = [tenantId, pageSize, (page - 1) * pageSize];
    const conditions = ['l.tenant_id = $1'];
    if (assignedTo) {
      params.push(assignedTo);
      conditions.push(`l.assigned_user_id = $${params.length}`);
    }
    const text = search?.trim();
    if (text) {
      params.push(likePattern(text));
      conditions.push(`l.name ILIKE $${params.length}`);
    }
    const [row]: { total: number; items: ClientJson[] }[] = await db.query(
      `WITH per_currency AS (
         SELECT s.lead_id, s.currency, sum(s.amount) AS amount, count(*) AS n, max(s.completed_at) AS last_at
           FROM crm.sales_transactions s
          WHERE s.tenant_id = $1 AND s.status = 'completed'
          GROUP BY s.lead_id, s.currency
       ), clients AS (
         SELECT l.id AS lead_id, l.name, l.phone, l.assigned_user_id, u.name AS assigned_user_name,
                json_agg(json_build_object('currency', p.currency, 'value', p.amount::text)
                         ORDER BY p.amount DESC, p.currency) AS revenue,
                sum(p.n)::int AS purchases, max(p.last_at) AS last_at
           FROM per_currency p
           JOIN crm.leads l ON l.tenant_id = $1 AND l.id = p.lead_id
           LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id
          WHERE ${conditions.join(' AND ')}
          GROUP BY l.id, l.name, l.phone, l.assigned_user_id, u.name
       ), paged AS (
         SELECT * FROM clients ORDER BY last_at DESC, lead_id DESC LIMIT $2 OFFSET $3
       )
       SELECT (${cappedCountSql('clients')}) AS total,
              COALESCE((SELECT json_agg(json_build_object(
                          'lead_id', lead_id, 'name', name, 'phone', phone, 'assigned_user_id', assigned_user_id,
                          'assigned_user_name', assigned_user_name, 'revenue', revenue, 'purchases', purchases,
                          'last_at', last_at) ORDER BY last_at DESC, lead_id DESC)
                          FROM paged), '[]'::json) AS items`,
      params,
    );
    return { ...cappedTotal(row.total), items: row.items.map(toClientView) };
  }

  async listForLead(db: EntityManager, tenantId: string, leadId: string): Promise<SaleView[]> {
    const rows: SaleRow[] = await db.query(
      `SELECT ${RETURNING} FROM crm.sales_transactions
        WHERE tenant_id = $1 AND lead_id = $2 ORDER BY created_at, id`,
      [tenantId, leadId],
    );
    return rows.map(toSaleView);
  }

  async countCompletedFor(db: EntityManager, tenantId: string, opportunityId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM crm.sales_transactions
        WHERE tenant_id = $1 AND opportunity_id = $2 AND status = 'completed'`,
      [tenantId, opportunityId],
    );
    return n;
  }

  /** Latest completion first (pending sales, without one, last), then newest. */
  async page(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    filter: SaleFilter,
    page: number,
    pageSize: number,
  ): Promise<CappedTotal & { items: SaleView[] }> {
    const { where, params } = whereOf(tenantId, visibleTo, filter);
    const [{ total }]: { total: number }[] = await db.query(
      cappedCountSql(`${SALES} WHERE ${where}`),
      params,
    );
    const rows: SaleRow[] = await db.query(
      `SELECT ${COLUMNS} FROM ${SALES} WHERE ${where}
        ORDER BY s.completed_at DESC NULLS LAST, s.created_at DESC, s.id DESC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    return { items: rows.map(toSaleView), ...cappedTotal(total) };
  }

  /** The row, locked for the rest of the transaction, if the caller may see it. */
  async lock(
    db: EntityManager,
    tenantId: string,
    saleId: string,
    visibleTo: Visibility,
  ): Promise<SaleRow | null> {
    const { where, params } = whereOf(tenantId, visibleTo, {});
    const rows: SaleRow[] = await db.query(
      `SELECT ${COLUMNS} FROM ${SALES} WHERE ${where} AND s.id = $${params.length + 1} FOR UPDATE OF s`,
      [...params, saleId],
    );
    return rows[0] ?? null;
  }

  /** A sale recorded as completed. */
  async insert(db: EntityManager, tenantId: string, sale: NewSale): Promise<SaleRow> {
    const rows: SaleRow[] = await db.query(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, $4, $5, 'completed', $6)
       RETURNING ${RETURNING}`,
      [tenantId, sale.leadId, sale.opportunityId, sale.amount, sale.currency, sale.completedAt],
    );
    return rows[0];
  }

  /** Apply the changes; a refund stamps `refunded_at`, completing a pending sale stamps `completed_at` if unset. */
  async update(db: EntityManager, tenantId: string, saleId: string, changes: SaleChanges): Promise<SaleRow> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, saleId];
    const set = (sql: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      sets.push(sql(`$${params.length}`));
    };
    if (changes.amount !== undefined) set((p) => `amount = ${p}`, changes.amount);
    if (changes.currency !== undefined) set((p) => `currency = ${p}`, changes.currency);
    if (changes.completedAt !== undefined) set((p) => `completed_at = ${p}`, changes.completedAt);
    if (changes.status === 'refunded') sets.push(`status = 'refunded'`, 'refunded_at = now()');
    if (changes.status === 'completed') {
      sets.push(`status = 'completed'`);
      if (changes.completedAt === undefined) sets.push('completed_at = COALESCE(completed_at, now())');
    }
    sets.push('updated_at = now()');
    const [row] = await updateReturning<SaleRow>(
      db,
      `UPDATE crm.sales_transactions SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING ${RETURNING}`,
      params,
    );
    return row;
  }

  /**
   * Completed sales the caller may see in this and last calendar month of `timezone` (cut where the month starts
   * there), per currency, largest first; months without sales answer no totals. One statement.
   */
  async monthlyRevenue(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    timezone: string,
  ): Promise<Record<'thisMonth' | 'lastMonth', MonthRevenue>> {
    // No join: every sale has its lead (foreign key), and a seller's visibility (see `whereOf`) reads the lead's
    // seller and the opportunity's owner the sale carries (migration 1767960010000-SaleSellers), instead of two
    // reads per sale (~2,700 sales a month at 1M leads).
    const params: unknown[] = [tenantId];
    let where = `s.tenant_id = $1 AND s.status = 'completed'`;
    if (visibleTo) {
      params.push(visibleTo);
      where += ` AND (s.opportunity_owner_id = $2 OR s.lead_user_id = $2)`;
    }
    const from = 'FROM crm.sales_transactions s';
    const tz = `$${params.length + 1}`;
    const rows: {
      month: 'thisMonth' | 'lastMonth';
      from_at: Date;
      to_at: Date;
      currency: string | null;
      n: number;
      amount: string | null;
    }[] = await db.query(
      `WITH months AS (
           SELECT m.month, m.start_local AT TIME ZONE ${tz} AS from_at,
                  (m.start_local + interval '1 month') AT TIME ZONE ${tz} AS to_at
             FROM (VALUES ('thisMonth', date_trunc('month', now() AT TIME ZONE ${tz})),
                          ('lastMonth', date_trunc('month', now() AT TIME ZONE ${tz}) - interval '1 month'))
                  AS m(month, start_local)
         ),
         sold AS (
           SELECT s.currency, s.amount, s.completed_at ${from}
            WHERE ${where} AND s.completed_at >= (SELECT min(from_at) FROM months)
         )
         SELECT m.month, m.from_at, m.to_at, sold.currency, count(sold.amount)::int AS n, sum(sold.amount)::text AS amount
           FROM months m
           LEFT JOIN sold ON sold.completed_at >= m.from_at AND sold.completed_at < m.to_at
          GROUP BY 1, 2, 3, 4
          ORDER BY sum(sold.amount) DESC NULLS LAST, 4`,
      [...params, timezone],
    );
    const month = (name: 'thisMonth' | 'lastMonth'): MonthRevenue => {
      const own = rows.filter((row) => row.month === name);
      return {
        from: own[0].from_at.toISOString(),
        to: own[0].to_at.toISOString(),
        sales: own.reduce((sum, row) => sum + row.n, 0),
        totals: own.flatMap((row) =>
          row.currency ? [{ currency: row.currency, value: Number(row.amount) }] : [],
        ),
      };
    };
    return { thisMonth: month('thisMonth'), lastMonth: month('lastMonth') };
  }

  async insertMany(db: SqlRunner, tenantId: string, rows: readonly SaleRecord[]): Promise<void> {
    await bulkInsert(
      db,
      'crm.sales_transactions',
      [
        'id',
        'tenant_id',
        'lead_id',
        'opportunity_id',
        'amount',
        'currency',
        'status',
        'completed_at',
        'created_at',
        'updated_at',
      ],
      rows.map((s) => [
        s.id,
        tenantId,
        s.leadId,
        s.opportunityId,
        s.amount,
        s.currency,
        s.status,
        s.completedAt,
        s.createdAt,
        s.completedAt ?? s.createdAt,
      ]),
    );
  }
}

export function toSaleView(row: SaleRow): SaleView {
  return {
    id: row.id,
    leadId: row.lead_id,
    opportunityId: row.opportunity_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
    refundedAt: row.refunded_at ? row.refunded_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

function toClientView(row: ClientJson): ClientView {
  return {
    leadId: row.lead_id,
    name: row.name,
    phone: row.phone,
    assignedUserId: row.assigned_user_id,
    assignedUserName: row.assigned_user_name,
    revenue: row.revenue.map((total) => ({ currency: total.currency, value: Number(total.value) })),
    purchases: row.purchases,
    lastPurchaseAt: new Date(row.last_at).toISOString(),
  };
}
