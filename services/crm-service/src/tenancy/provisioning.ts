import { randomUUID } from 'node:crypto';
import { Roles, type Role } from '@crm/contracts';
import type { SqlRunner } from '../common/sql';
import { DEFAULT_PIPELINE } from '../pipeline/pipeline-stages';
import { PipelineStore } from '../pipeline/pipeline-store';
import { hashPassword } from './password-hash';
import { TenantStore } from './tenant-store';
import { UserStore } from './user-store';

export type NewTenant = { id?: string; name: string; currency: string; timezone: string; locale?: string };
export type NewUser = {
  id?: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  /** E.164, already normalised (`normalizePhone`). */
  phone?: string | null;
};

const tenants = new TenantStore();
const pipelines = new PipelineStore();
const users = new UserStore();

/**
 * Create a tenant with its pipeline (the seven LEAD_STATUSES, Spanish labels); `locale` defaults to `es-MX`. Run it inside a transaction that
 * may write the new tenant: `TenantDatabase.withTenant(id, …)`, or the seed's system transaction.
 */
export async function provisionTenant(db: SqlRunner, tenant: NewTenant): Promise<string> {
  const id = tenant.id ?? randomUUID();
  if (!/^[A-Z]{3}$/.test(tenant.currency)) throw new Error('currency must be an ISO 4217 code such as MXN');
  await tenants.insert(db, {
    id,
    name: tenant.name.trim(),
    currency: tenant.currency,
    timezone: tenant.timezone,
    locale: tenant.locale,
  });
  await pipelines.insertMany(db, id, DEFAULT_PIPELINE);
  return id;
}

/** Create a user; the email is stored lowercased (it is the login, unique across tenants). */
export async function createUser(db: SqlRunner, user: NewUser): Promise<string> {
  if (!(Roles as readonly string[]).includes(user.role)) throw new Error(`unknown role ${user.role}`);
  const id = user.id ?? randomUUID();
  await users.insert(db, {
    id,
    tenantId: user.tenantId,
    email: normalizeEmail(user.email),
    name: user.name.trim(),
    role: user.role,
    passwordHash: await hashPassword(user.password),
    phone: user.phone ?? null,
  });
  return id;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
