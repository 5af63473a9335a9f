import { Injectable } from '@nestjs/common';
import { DomainError, type SessionUser, type TenantView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { hashPassword, needsRehash, verifyPassword } from './password-hash';
import { normalizeEmail } from './provisioning';
import { TenantStore } from './tenant-store';
import { UserStore, toSessionUser } from './user-store';

const INVALID_CREDENTIALS = 'invalid email or password';

@Injectable()
export class TenancyService {
  /** Compared against when the email is unknown, so both failures cost one scrypt (computed once, lazily). */
  private decoyHash?: Promise<string>;

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
    const matches = await verifyPassword(password, row?.password_hash ?? (await this.decoy()));
    if (!row || !matches) throw new DomainError('UNAUTHORIZED', INVALID_CREDENTIALS);
    if (needsRehash(row.password_hash))
      await this.rehash(row.tenant_id, row.user_id, row.password_hash, password);
    // Said only to whoever knows the password, so it reveals nothing about which emails exist.
    if (!row.active) {
      throw new DomainError('ACCOUNT_DISABLED', 'this account has been deactivated; ask your company admin');
    }
    return toSessionUser(row);
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword('decoy-password-never-valid');
    return this.decoyHash;
  }

  /** A legacy (bcrypt) hash proven right: store the scrypt one, unless the password changed meanwhile. */
  private async rehash(tenantId: string, userId: string, oldHash: string, password: string): Promise<void> {
    const newHash = await hashPassword(password);
    await this.db.withTenant(tenantId, (db) =>
      this.users.replacePasswordHash(db, tenantId, userId, oldHash, newHash),
    );
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
