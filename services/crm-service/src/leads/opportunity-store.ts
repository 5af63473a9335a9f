import { Injectable } from '@nestjs/common';
import {
  OPPORTUNITY_STATUSES,
  type MoneyTotal,
  type OpportunityBoardColumn,
  type OpportunityStatus,
  type AgendaItem,
  type CappedTotal,
  type OpportunityView,
} from '@crm/contracts';
import { cappedCountSql, cappedTotal } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../common/bulk-insert';
import { updateReturning, type SqlRunner } from '../common/sql';

/** `crm.opportunities`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

export type OpportunityRow = {
  id: string;
  lead_id: string;
  title: string;
  /** numeric(14,2): the driver returns it as a string. */
  value: string;
  currency: string;
  status: OpportunityStatus;
  deadline: Date | null;
  owner_user_id: string | null;
  lost_reason: string | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** A row joined with its lead's and owner's names (what the views show). */
type OpportunityViewRow = OpportunityRow & { lead_name: string; owner_name: string | null };

/** A complete opportunity for bulk loads (the demo seed). */
export type OpportunityRecord = {
  id: string;
  leadId: string;
  title: string;
  value: number;
  currency: string;
  status: OpportunityStatus;
  deadline: Date | null;
  createdAt: Date;
  closedAt: Date | null;
  lostReason: string | null;
  ownerId: string | null;
};

export type NewOpportunity = {
  leadId: string;
  title: string;
  value: number;
  currency: string;
  deadline: Date | null;
  ownerId: string | null;
};

/** Columns a PATCH may set (`undefined` = untouched). `closed_at` follows the status in SQL. */
export type OpportunityChanges = {
  title?: string;
  value?: number;
  currency?: string;
  deadline?: Date | null;
  ownerId?: string | null;
  status?: OpportunityStatus;
  lostReason?: string | null;
};

export type OpportunityFilter = {
  status?: OpportunityStatus;
  ownerId?: string;
  leadId?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
};

/**
 * Who may see a row: `null` for everyone of the tenant (ceo, professional), else a user id (setter, closer): the
 * opportunities that user owns or whose lead is assigned to them.
 */
export type Visibility = string | null;

const COLUMNS = `o.id, o.lead_id, o.title, o.value, o.currency, o.status, o.deadline, o.owner_user_id, o.lost_reason,
  o.closed_at, o.created_at, o.updated_at`;
const RETURNING = COLUMNS.replace(/o\./g, '');

const SELECT_VIEW = `
  SELECT ${COLUMNS}, l.name AS lead_name, u.name AS owner_name
    FROM crm.opportunities o
    JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
    LEFT JOIN crm.users u ON u.tenant_id = o.tenant_id AND u.id = o.owner_user_id`;

/** Earliest deadline first (none last), then newest: the board's card order. */
const BOARD_ORDER = 'o.deadline ASC NULLS LAST, o.created_at DESC, o.id DESC';

/** WHERE conditions and parameters for the tenant, the caller's visibility and the filters. */
function whereOf(
  tenantId: string,
  visibleTo: Visibility,
  filter: OpportunityFilter,
): { where: string; params: unknown[] } {
  const params: unknown[] = [tenantId];
  const conditions = ['o.tenant_id = $1'];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (visibleTo) add((p) => `(o.owner_user_id = ${p} OR l.assigned_user_id = ${p})`, visibleTo);
  if (filter.status) add((p) => `o.status = ${p}`, filter.status);
  if (filter.ownerId) add((p) => `o.owner_user_id = ${p}`, filter.ownerId);
  if (filter.leadId) add((p) => `o.lead_id = ${p}`, filter.leadId);
  if (filter.deadlineFrom) add((p) => `o.deadline >= ${p}`, filter.deadlineFrom);
  if (filter.deadlineTo) add((p) => `o.deadline < ${p}`, filter.deadlineTo);
  return { where: conditions.join(' AND '), params };
}

@Injectable()
export class OpportunityStore {
  async listForLead(db: EntityManager, tenantId: string, leadId: string): Promise<OpportunityView[]> {
    const rows: OpportunityViewRow[] = await db.query(
      `${SELECT_VIEW} WHERE o.tenant_id = $1 AND o.lead_id = $2 ORDER BY o.created_at, o.id`,
      [tenantId, leadId],
    );
    return rows.map(toOpportunityView);
  }

  /** Newest first, like the leads list; counted up to `LIST_TOTAL_CAP`. */
  async page(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    filter: OpportunityFilter,
    page: number,
    pageSize: number,
  ): Promise<CappedTotal & { items: OpportunityView[] }> {
    const { where, params } = whereOf(tenantId, visibleTo, filter);
    const [{ total }]: { total: number }[] = await db.query(
      cappedCountSql(`crm.opportunities o
         JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
        WHERE ${where}`),
      params,
    );
    const rows: OpportunityViewRow[] = await db.query(
      `${SELECT_VIEW} WHERE ${where} ORDER BY o.created_at DESC, o.id DESC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    return { items: rows.map(toOpportunityView), ...cappedTotal(total) };
  }

  /**
   * Pending opportunities the caller may see with a deadline in `[from, to)`, earliest first, at most `limit`
   * (ask one more than you show to know whether there were more).
   */
  async agenda(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    from: string,
    to: string,
    limit: number,
  ): Promise<AgendaItem[]> {
    const { where, params } = whereOf(tenantId, visibleTo, {
      status: 'pending',
      deadlineFrom: from,
      deadlineTo: to,
    });
    const rows: OpportunityViewRow[] = await db.query(
      `${SELECT_VIEW} WHERE ${where} ORDER BY o.deadline, o.id LIMIT $${params.length + 1}`,
      [...params, limit],
    );
    return rows.map((row) => ({
      opportunityId: row.id,
      leadId: row.lead_id,
      leadName: row.lead_name,
      title: row.title,
      value: Number(row.value),
      currency: row.currency,
      deadline: row.deadline!.toISOString(),
      ownerId: row.owner_user_id,
      ownerName: row.owner_name,
    }));
  }

  /** Count and totals per status and currency, and the first `perStatus` cards of each status. */
  async board(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    filter: Omit<OpportunityFilter, 'status'>,
    perStatus: number,
  ): Promise<OpportunityBoardColumn[]> {
    const { where, params } = whereOf(tenantId, visibleTo, filter);
    const totals = await this.statusTotals(db, tenantId, visibleTo, filter);
    // Each column walks an index in card order and stops after its cards: opportunities_tenant_status_board_idx
    // for the whole tenant; for a seller, the opportunities they own and those of their leads
    // (opportunities_tenant_owner_board_idx, opportunities_tenant_lead_user_board_idx), merged.
    const statuses = `$${params.length + 1}::text[]`;
    const limit = `$${params.length + 2}`;
    const seller = `$${params.length + 3}`;
    const column = (only: string) =>
      `(${SELECT_VIEW} WHERE ${where} AND o.status = board.status${only} ORDER BY ${BOARD_ORDER} LIMIT ${limit})`;
    const cards: OpportunityViewRow[] = await db.query(
      `SELECT column_cards.*
         FROM unnest(${statuses}) WITH ORDINALITY AS board(status, position)
        CROSS JOIN LATERAL (
          ${
            visibleTo === null
              ? column('')
              : `SELECT * FROM (${column(` AND o.owner_user_id = ${seller}`)}
                                UNION ${column(` AND o.lead_user_id = ${seller}`)}) seller_cards
                  ORDER BY ${BOARD_ORDER.replace(/o\./g, 'seller_cards.')} LIMIT ${limit}`
          }
        ) column_cards
        ORDER BY board.position, ${BOARD_ORDER.replace(/o\./g, 'column_cards.')}`,
      [...params, OPPORTUNITY_STATUSES, perStatus, ...(visibleTo === null ? [] : [visibleTo])],
    );
    return totals.map((column) => ({
      ...column,
      cards: cards.filter((row) => row.status === column.status).map(toOpportunityView),
    }));
  }

  /**
   * How many opportunities the caller may see have each status and what they add up to per currency (largest
   * first): one entry per status, in `OPPORTUNITY_STATUSES` order. One statement.
   */
  async statusTotals(
    db: EntityManager,
    tenantId: string,
    visibleTo: Visibility,
    filter: Omit<OpportunityFilter, 'status'> = {},
  ): Promise<{ status: OpportunityStatus; count: number; totals: MoneyTotal[] }[]> {
    const { where, params } = whereOf(tenantId, visibleTo, filter);
    // Kept added up per owner and lead seller in crm.opportunity_totals (see its migrations): a seller's are the
    // buckets they own or sell.
    const preAggregated = !filter.leadId && !filter.deadlineFrom && !filter.deadlineTo;
    const totals: { status: OpportunityStatus; currency: string; n: number; value: string }[] = preAggregated
      ? await db.query(
          `SELECT t.status, t.currency, sum(t.opportunities)::int AS n, sum(t.value)::text AS value
             FROM crm.opportunity_totals t
            WHERE t.tenant_id = $1 AND t.opportunities > 0 AND ($2::uuid IS NULL OR t.owner_user_id = $2)
              AND ($3::uuid IS NULL OR t.owner_user_id = $3 OR t.lead_user_id = $3)
            GROUP BY 1, 2
            ORDER BY sum(t.value) DESC, 2`,
          [tenantId, filter.ownerId ?? null, visibleTo],
        )
      : await db.query(
          `SELECT o.status, o.currency, count(*)::int AS n, sum(o.value)::text AS value
             FROM crm.opportunities o
             JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
            WHERE ${where}
            GROUP BY 1, 2
            ORDER BY sum(o.value) DESC, 2`,
          params,
        );
    return OPPORTUNITY_STATUSES.map((status) => {
      const own = totals.filter((row) => row.status === status);
      return {
        status,
        count: own.reduce((sum, row) => sum + row.n, 0),
        totals: own.map((row): MoneyTotal => ({ currency: row.currency, value: Number(row.value) })),
      };
    });
  }

  async findView(
    db: EntityManager,
    tenantId: string,
    opportunityId: string,
    visibleTo: Visibility,
  ): Promise<OpportunityView | null> {
    const { where, params } = whereOf(tenantId, visibleTo, {});
    const rows: OpportunityViewRow[] = await db.query(
      `${SELECT_VIEW} WHERE ${where} AND o.id = $${params.length + 1}`,
      [...params, opportunityId],
    );
    return rows[0] ? toOpportunityView(rows[0]) : null;
  }

  /** The row, locked for the rest of the transaction, if the caller may see it. */
  async lock(
    db: EntityManager,
    tenantId: string,
    opportunityId: string,
    visibleTo: Visibility,
  ): Promise<OpportunityRow | null> {
    const { where, params } = whereOf(tenantId, visibleTo, {});
    const rows: OpportunityRow[] = await db.query(
      `SELECT ${COLUMNS} FROM crm.opportunities o
         JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
        WHERE ${where} AND o.id = $${params.length + 1}
        FOR UPDATE OF o`,
      [...params, opportunityId],
    );
    return rows[0] ?? null;
  }

  async insert(db: EntityManager, tenantId: string, opportunity: NewOpportunity): Promise<OpportunityRow> {
    const rows: OpportunityRow[] = await db.query(
      `INSERT INTO crm.opportunities (tenant_id, lead_id, title, value, currency, deadline, owner_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${RETURNING}`,
      [
        tenantId,
        opportunity.leadId,
        opportunity.title,
        opportunity.value,
        opportunity.currency,
        opportunity.deadline,
        opportunity.ownerId,
      ],
    );
    return rows[0];
  }

  /**
   * Apply the changes; `closed_at` is stamped when the status becomes won or lost (kept when it stays closed) and
   * cleared, with the lost reason, when it goes back to pending.
   */
  async update(
    db: EntityManager,
    tenantId: string,
    opportunityId: string,
    changes: OpportunityChanges,
  ): Promise<OpportunityRow> {
    const sets: string[] = [];
    const params: unknown[] = [tenantId, opportunityId];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.title !== undefined) set('title', changes.title);
    if (changes.value !== undefined) set('value', changes.value);
    if (changes.currency !== undefined) set('currency', changes.currency);
    if (changes.deadline !== undefined) set('deadline', changes.deadline);
    if (changes.ownerId !== undefined) set('owner_user_id', changes.ownerId);
    if (changes.lostReason !== undefined) set('lost_reason', changes.lostReason);
    if (changes.status !== undefined) {
      set('status', changes.status);
      const status = `$${params.length}::text`;
      sets.push(
        `closed_at = CASE WHEN ${status} = 'pending' THEN NULL
                          WHEN ${status} = status THEN closed_at ELSE now() END`,
      );
    }
    sets.push('updated_at = now()');
    const [row] = await updateReturning<OpportunityRow>(
      db,
      `UPDATE crm.opportunities SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING ${RETURNING}`,
      params,
    );
    return row;
  }

  async insertMany(db: SqlRunner, tenantId: string, rows: readonly OpportunityRecord[]): Promise<void> {
    await bulkInsert(
      db,
      'crm.opportunities',
      [
        'id',
        'tenant_id',
        'lead_id',
        'title',
        'value',
        'currency',
        'status',
        'deadline',
        'created_at',
        'closed_at',
        'lost_reason',
        'owner_user_id',
        'updated_at',
      ],
      rows.map((o) => [
        o.id,
        tenantId,
        o.leadId,
        o.title,
        o.value,
        o.currency,
        o.status,
        o.deadline,
        o.createdAt,
        o.closedAt,
        o.lostReason,
        o.ownerId,
        o.closedAt ?? o.createdAt,
      ]),
    );
  }
}

export function toOpportunityView(row: OpportunityViewRow): OpportunityView {
  return {
    id: row.id,
    leadId: row.lead_id,
    leadName: row.lead_name,
    title: row.title,
    value: Number(row.value),
    currency: row.currency,
    status: row.status,
    deadline: row.deadline ? row.deadline.toISOString() : null,
    ownerId: row.owner_user_id,
    ownerName: row.owner_name,
    lostReason: row.lost_reason,
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
