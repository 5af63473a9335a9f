import { randomUUID } from 'node:crypto';
import { Roles, type Role } from '@crm/contracts';
import { hash } from 'bcryptjs';
import { DEFAULT_PIPELINE } from '../pipeline/pipeline-stages';

/** Anything with `query(sql, params)`: a TypeORM EntityManager/DataSource or a `pg` client. */
export type SqlRunner = { query(sql: string, parameters?: unknown[]): Promise<unknown> };

export const BCRYPT_COST = 10;

export type NewTenant = { id?: string; name: string; currency: string; timezone: string };
export type NewUser = {
  id?: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  password: string;
};

/** Create a tenant with its pipeline (the seven LEAD_STATUSES, Spanish labels). Run it inside a transaction. */
export async function provisionTenant(db: SqlRunner, tenant: NewTenant): Promise<string> {
  const id = tenant.id ?? randomUUID();
  if (!/^[A-Z]{3}$/.test(tenant.currency)) throw new Error('currency must be an ISO 4217 code such as MXN');
  await db.query(`INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, $3, $4)`, [
    id,
    tenant.name.trim(),
    tenant.currency,
    tenant.timezone,
  ]);
  const values = DEFAULT_PIPELINE.map((_, i) => `($1, $${i * 3 + 2}, $${i * 3 + 3}, $${i * 3 + 4})`);
  await db.query(
    `INSERT INTO crm.pipeline_stages (tenant_id, key, position, label) VALUES ${values.join(', ')}`,
    [id, ...DEFAULT_PIPELINE.flatMap((stage) => [stage.key, stage.position, stage.label])],
  );
  return id;
}

/** Create a user; the email is stored lowercased (it is the login, unique across tenants). */
export async function createUser(db: SqlRunner, user: NewUser): Promise<string> {
  if (!(Roles as readonly string[]).includes(user.role)) throw new Error(`unknown role ${user.role}`);
  const id = user.id ?? randomUUID();
  await db.query(
    `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      id,
      user.tenantId,
      normalizeEmail(user.email),
      user.name.trim(),
      user.role,
      await hash(user.password, BCRYPT_COST),
    ],
  );
  return id;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
