import { Injectable } from '@nestjs/common';
import { DomainError, type SessionUser, type TenantView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { compare, hashSync } from 'bcryptjs';
import { BCRYPT_COST, normalizeEmail } from './provisioning';
import { TenantStore } from './tenant-store';
import { UserStore, toSessionUser } from './user-store';

const INVALID_CREDENTIALS = 'invalid email or password';

@Injectable()
export class TenancyService {
  /** Compared against when the email is unknown, so both failures cost one bcrypt compare. */
  private readonly decoyHash = hashSync('decoy-password-never-valid', BCRYPT_COST);

  constructor(
    private readonly db: TenantDatabase,
    private readonly users: UserStore,
    private readonly tenants: TenantStore,
  ) {}

  async verifyCredentials(email: string, password: string): Promise<SessionUser> {
    // The tenant is what the login tells us: the email is looked up across tenants.
    const row = await this.db.asSystem('login by email', (db) =>
      this.users.findSessionByEmail(db, normalizeEmail(email)),
    );
    const matches = await compare(password, row?.password_hash ?? this.decoyHash);
    if (!row || !matches) throw new DomainError('UNAUTHORIZED', INVALID_CREDENTIALS);
    // Said only to whoever knows the password, so it reveals nothing about which emails exist.
    if (!row.active) {
      throw new DomainError('ACCOUNT_DISABLED', 'this account has been deactivated; ask your company admin');
    }
    return toSessionUser(row);
  }

  async getUser(tenantId: string, userId: string): Promise<SessionUser> {
    const row = await this.db.withTenant(tenantId, (db) => this.users.findSession(db, tenantId, userId));
    if (!row) throw new DomainError('NOT_FOUND', 'user not found');
    return toSessionUser(row);
  }

  async getTenant(tenantId: string): Promise<TenantView> {
    const tenant = await this.db.withTenant(tenantId, (db) => this.tenants.find(db, tenantId));
    if (!tenant) throw new DomainError('NOT_FOUND', 'tenant not found');
    return tenant;
  }
}
