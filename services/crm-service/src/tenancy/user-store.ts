import { Injectable } from '@nestjs/common';
import type { Role, SessionUser } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import type { SqlRunner } from '../common/sql';

/** `crm.users`: its SQL and row type. */

/** A user with its tenant's name, as a session needs it. `password_hash` never leaves this service. */
export type SessionRow = {
  user_id: string;
  tenant_id: string;
  tenant_name: string;
  email: string;
  name: string;
  role: Role;
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
};

const SESSION_SELECT = `
  SELECT u.id AS user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role, u.password_hash
    FROM crm.users u
    JOIN crm.tenants t ON t.id = u.tenant_id`;

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
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
      [user.id, user.tenantId, user.email, user.name, user.role, user.passwordHash],
    );
  }
}

export function toSessionUser(row: SessionRow): SessionUser {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    email: row.email,
    name: row.name,
    role: row.role,
  };
}
