import { Injectable } from '@nestjs/common';
import {
  LEAD_STATUSES,
  SELLER_ROLES,
  type MoneyAmount,
  type Role,
  type SellerOverview,
  type SessionUser,
  type UserAccess,
  type UserView,
} from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { updateReturning, type SqlRunner } from '../common/sql';

/** `crm.users`: its SQL and row type. */

/** A user with its tenant's name, as a session needs it. `password_hash` never leaves this service. */
export type SessionRow = {
  user_id: string;
  tenant_id: string;
  tenant_name: string;
  tenant_locale: string;
  tenant_timezone: string;
  tenant_currency: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  password_hash: string;
};

export type UserRecord = {
  id: string;
  tenantId: string;
  /** Lowercased: it is the login, unique across tenants. */
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** E.164, already normalised (`normalizePhone`). */
  phone?: string | null;
};

const SESSION_SELECT = `
  SELECT u.id AS user_id, u.tenant_id, t.name AS tenant_name, t.locale AS tenant_locale,
         t.timezone AS tenant_timezone, t.currency AS tenant_currency, u.email, u.name, u.role, u.active, u.password_hash
    FROM crm.users u
    JOIN crm.tenants t ON t.id = u.tenant_id`;

type UserRow = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  created_at: Date;
  phone: string | null;
};

const USER_COLUMNS = `id, name, email, role, active, created_at, phone`;

/** Changes to a user; a field left out keeps its value (`phone: null` removes the phone). */
export type UserChanges = {
  name?: string;
  role?: Role;
  active?: boolean;
  passwordHash?: string;
  phone?: string | null;
};

type SellerRow = {
  user_id: string;
  name: string;
  email: string;
  role: Role;
  open_leads: number;
  open_pipeline: MoneyAmount[];
  won_revenue: MoneyAmount[];
};

const CLOSED_STATUSES: string[] = LEAD_STATUSES.filter((s) => s.startsWith('cerrado_'));

/**
 * Per active seller, in one statement: open leads assigned to them, the pending opportunities' value and the
 * completed sales' amount of their leads, each summed per currency (`[{ currency, amount }]`, largest first).
 */
const SELLERS_OVERVIEW_SQL = `
  WITH sellers AS (
    SELECT id, name, email, role FROM crm.users
     WHERE tenant_id = $1 AND active AND role = ANY($2::text[])
  ),
  open_leads AS (
    SELECT l.assigned_user_id AS user_id, count(*)::int AS n
      FROM crm.leads l
     WHERE l.tenant_id = $1 AND l.assigned_user_id IS NOT NULL AND l.status <> ALL($3::text[])
     GROUP BY l.assigned_user_id
  ),
  pipeline AS (
    SELECT user_id, jsonb_agg(jsonb_build_object('currency', currency, 'amount', amount)
                              ORDER BY amount DESC, currency) AS amounts
      FROM (SELECT l.assigned_user_id AS user_id, o.currency, sum(o.value)::float8 AS amount
              FROM crm.opportunities o
              JOIN crm.leads l ON l.tenant_id = o.tenant_id AND l.id = o.lead_id
             WHERE o.tenant_id = $1 AND o.status = 'pending' AND l.assigned_user_id IS NOT NULL
             GROUP BY l.assigned_user_id, o.currency) per_currency
     GROUP BY user_id
  ),
  revenue AS (
    SELECT user_id, jsonb_agg(jsonb_build_object('currency', currency, 'amount', amount)
                              ORDER BY amount DESC, currency) AS amounts
      FROM (SELECT l.assigned_user_id AS user_id, s.currency, sum(s.amount)::float8 AS amount
              FROM crm.sales_transactions s
              JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
             WHERE s.tenant_id = $1 AND s.status = 'completed' AND l.assigned_user_id IS NOT NULL
             GROUP BY l.assigned_user_id, s.currency) per_currency
     GROUP BY user_id
  )
  SELECT s.id AS user_id, s.name, s.email, s.role,
         COALESCE(ol.n, 0) AS open_leads,
         COALESCE(p.amounts, '[]'::jsonb) AS open_pipeline,
         COALESCE(r.amounts, '[]'::jsonb) AS won_revenue
    FROM sellers s
    LEFT JOIN open_leads ol ON ol.user_id = s.id
    LEFT JOIN pipeline p ON p.user_id = s.id
    LEFT JOIN revenue r ON r.user_id = s.id
   ORDER BY s.name, s.id`;

@Injectable()
export class UserStore {
  /**
   * The user with this login email, whatever the tenant: only for login, so `db` must be a system transaction
   * (`TenantDatabase.asSystem`).
   */
  async findSessionByEmail(db: EntityManager, email: string): Promise<SessionRow | null> {
    const rows: SessionRow[] = await db.query(`${SESSION_SELECT} WHERE u.email = $1`, [email]);
    return rows[0] ?? null;
  }

  async findSession(db: EntityManager, tenantId: string, userId: string): Promise<SessionRow | null> {
    const rows: SessionRow[] = await db.query(`${SESSION_SELECT} WHERE u.tenant_id = $1 AND u.id = $2`, [
      tenantId,
      userId,
    ]);
    return rows[0] ?? null;
  }

  async exists(db: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM crm.users WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      userId,
    ]);
    return rows.length > 0;
  }

  async findIdByEmail(db: EntityManager, tenantId: string, email: string): Promise<string | null> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM crm.users WHERE tenant_id = $1 AND email = $2`,
      [tenantId, email],
    );
    return rows[0]?.id ?? null;
  }

  async list(db: EntityManager, tenantId: string): Promise<UserView[]> {
    const rows: UserRow[] = await db.query(
      `SELECT ${USER_COLUMNS} FROM crm.users WHERE tenant_id = $1 ORDER BY name, id`,
      [tenantId],
    );
    return rows.map(toUserView);
  }

  async find(db: EntityManager, tenantId: string, userId: string): Promise<UserView | null> {
    const rows: UserRow[] = await db.query(
      `SELECT ${USER_COLUMNS} FROM crm.users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, userId],
    );
    return rows[0] ? toUserView(rows[0]) : null;
  }

  async findAccess(
    db: EntityManager,
    tenantId: string,
    userId: string,
  ): Promise<Omit<UserAccess, 'sessionLive'> | null> {
    const rows: Omit<UserAccess, 'sessionLive'>[] = await db.query(
      `SELECT active, role FROM crm.users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, userId],
    );
    return rows[0] ?? null;
  }

  /** Swap the password hash only if it is still `oldHash` (a re-hash must not undo a concurrent change). */
  async replacePasswordHash(
    db: EntityManager,
    tenantId: string,
    userId: string,
    oldHash: string,
    newHash: string,
  ): Promise<void> {
    await db.query(
      `UPDATE crm.users SET password_hash = $4 WHERE tenant_id = $1 AND id = $2 AND password_hash = $3`,
      [tenantId, userId, oldHash, newHash],
    );
  }

  /** The user's row locked for the rest of the transaction (checks before an update). */
  async lock(db: EntityManager, tenantId: string, userId: string): Promise<UserView | null> {
    const rows: UserRow[] = await db.query(
      `SELECT ${USER_COLUMNS} FROM crm.users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, userId],
    );
    return rows[0] ? toUserView(rows[0]) : null;
  }

  async update(
    db: EntityManager,
    tenantId: string,
    userId: string,
    changes: UserChanges,
  ): Promise<UserView | null> {
    const rows = await updateReturning<UserRow>(
      db,
      `UPDATE crm.users
          SET name = COALESCE($3, name), role = COALESCE($4, role), active = COALESCE($5, active),
              password_hash = COALESCE($6, password_hash),
              phone = CASE WHEN $7::boolean THEN $8 ELSE phone END
        WHERE tenant_id = $1 AND id = $2
        RETURNING ${USER_COLUMNS}`,
      [
        tenantId,
        userId,
        changes.name ?? null,
        changes.role ?? null,
        changes.active ?? null,
        changes.passwordHash ?? null,
        changes.phone !== undefined,
        changes.phone ?? null,
      ],
    );
    return rows[0] ? toUserView(rows[0]) : null;
  }

  /** Active users of a selling role, with what they have open and what they won (see SELLERS_OVERVIEW_SQL). */
  async sellersOverview(db: EntityManager, tenantId: string): Promise<SellerOverview[]> {
    const rows: SellerRow[] = await db.query(SELLERS_OVERVIEW_SQL, [tenantId, SELLER_ROLES, CLOSED_STATUSES]);
    return rows.map((row) => ({
      userId: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role,
      openLeads: row.open_leads,
      openPipeline: row.open_pipeline,
      wonRevenue: row.won_revenue,
    }));
  }

  /** Whether the user of the tenant may work leads; null when the tenant has no such user. */
  async findActive(db: EntityManager, tenantId: string, userId: string): Promise<boolean | null> {
    const rows: { active: boolean }[] = await db.query(
      `SELECT active FROM crm.users WHERE tenant_id = $1 AND id = $2`,
      [tenantId, userId],
    );
    return rows[0]?.active ?? null;
  }

  /** Ids of the tenant's active users with this role, ascending. */
  async activeIdsWithRole(db: EntityManager, tenantId: string, role: Role): Promise<string[]> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM crm.users WHERE tenant_id = $1 AND role = $2 AND active ORDER BY id`,
      [tenantId, role],
    );
    return rows.map((row) => row.id);
  }

  async insert(db: SqlRunner, user: UserRecord): Promise<void> {
    await db.query(
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash, phone)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [user.id, user.tenantId, user.email, user.name, user.role, user.passwordHash, user.phone ?? null],
    );
  }
}

function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    phone: row.phone,
  };
}

export function toSessionUser(row: SessionRow): SessionUser {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    tenantLocale: row.tenant_locale,
    tenantTimezone: row.tenant_timezone,
    tenantCurrency: row.tenant_currency,
    email: row.email,
    name: row.name,
    role: row.role,
  };
}
