import { Injectable } from '@nestjs/common';
import { DomainError, type SessionUser, type TenantView } from '@crm/contracts';
import { compare, hashSync } from 'bcryptjs';
import { DataSource } from 'typeorm';
import { BCRYPT_COST, normalizeEmail } from './provisioning';

type SessionRow = {
  user_id: string;
  tenant_id: string;
  tenant_name: string;
  email: string;
  name: string;
  role: SessionUser['role'];
  password_hash: string;
};

const INVALID_CREDENTIALS = 'invalid email or password';

const SESSION_SELECT = `
  SELECT u.id AS user_id, u.tenant_id, t.name AS tenant_name, u.email, u.name, u.role, u.password_hash
    FROM crm.users u
    JOIN crm.tenants t ON t.id = u.tenant_id`;

@Injectable()
export class TenancyService {
  /** Compared against when the email is unknown, so both failures cost one bcrypt compare. */
  private readonly decoyHash = hashSync('decoy-password-never-valid', BCRYPT_COST);

  constructor(private readonly dataSource: DataSource) {}

  async verifyCredentials(email: string, password: string): Promise<SessionUser> {
    const rows: SessionRow[] = await this.dataSource.query(`${SESSION_SELECT} WHERE u.email = $1`, [
      normalizeEmail(email),
    ]);
    const row = rows[0];
    const matches = await compare(password, row?.password_hash ?? this.decoyHash);
    if (!row || !matches) throw new DomainError('UNAUTHORIZED', INVALID_CREDENTIALS);
    return toSessionUser(row);
  }

  async getUser(tenantId: string, userId: string): Promise<SessionUser> {
    const rows: SessionRow[] = await this.dataSource.query(
      `${SESSION_SELECT} WHERE u.tenant_id = $1 AND u.id = $2`,
      [tenantId, userId],
    );
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'user not found');
    return toSessionUser(rows[0]);
  }

  async getTenant(tenantId: string): Promise<TenantView> {
    const rows: TenantView[] = await this.dataSource.query(
      `SELECT id, name, currency, timezone FROM crm.tenants WHERE id = $1`,
      [tenantId],
    );
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'tenant not found');
    return rows[0];
  }
}

function toSessionUser(row: SessionRow): SessionUser {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    email: row.email,
    name: row.name,
    role: row.role,
  };
}
