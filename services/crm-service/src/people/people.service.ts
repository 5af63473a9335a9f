import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DEFAULT_TENANT_SETTINGS,
  DomainError,
  normalizePhone,
  passwordProblem,
  type CreateUserRequest,
  type SellerOverview,
  type SessionUser,
  type SignupRequest,
  type TenantView,
  type UpdateTenantRequest,
  type UpdateUserRequest,
  type UserAccess,
  type UserView,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { cleanOptOutPhrases } from '../common/opt-out';
import { uniqueViolation } from '../common/postgres-errors';
import { AccessChangeStore } from '../sessions/access-change-store';
import { SessionStore } from '../sessions/session-store';
import { hashPassword } from '../tenancy/password-hash';
import { createUser, normalizeEmail, provisionTenant } from '../tenancy/provisioning';
import { TenantStore } from '../tenancy/tenant-store';
import { UserStore, toSessionUser } from '../tenancy/user-store';

const EMAIL_TAKEN = 'users_email_key';

/** Sign-up, tenant settings, the tenant's users and the sellers overview. */
@Injectable()
export class PeopleService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly users: UserStore,
    private readonly tenants: TenantStore,
    private readonly sessions: SessionStore,
    private readonly accessChanges: AccessChangeStore,
  ) {}

  /** A new tenant (default pipeline and settings) and its ceo, in one transaction. */
  async signup(request: SignupRequest): Promise<SessionUser> {
    const email = normalizeEmail(request.email);
    assertStrongPassword(request.password, email);
    const tenantId = randomUUID();
    try {
      return await this.db.withTenant(tenantId, async (db) => {
        await provisionTenant(db, {
          id: tenantId,
          name: request.companyName,
          timezone: request.timezone ?? DEFAULT_TENANT_SETTINGS.timezone,
          currency: request.currency ?? DEFAULT_TENANT_SETTINGS.currency,
          locale: request.locale ?? DEFAULT_TENANT_SETTINGS.locale,
        });
        const userId = await createUser(db, {
          tenantId,
          email,
          name: request.name,
          role: 'ceo',
          password: request.password,
        });
        const row = await this.users.findSession(db, tenantId, userId);
        return toSessionUser(row!);
      });
    } catch (error) {
      if (uniqueViolation(error) === EMAIL_TAKEN) {
        throw new DomainError(
          'CONFLICT',
          `an account with the email ${email} already exists; sign in instead`,
          {
            email,
          },
        );
      }
      throw error;
    }
  }

  async updateTenant(request: UpdateTenantRequest): Promise<TenantView> {
    const { tenantId, name, timezone, currency, locale } = request;
    const optOutKeywords = request.optOutKeywords && cleanOptOutPhrases(request.optOutKeywords);
    const optOutButtonTexts = request.optOutButtonTexts && cleanOptOutPhrases(request.optOutButtonTexts);
    const tenant = await this.db.withTenant(tenantId, (db) =>
      this.tenants.update(db, tenantId, {
        name,
        timezone,
        currency,
        locale,
        optOutKeywords,
        optOutButtonTexts,
      }),
    );
    if (!tenant) throw new DomainError('NOT_FOUND', 'tenant not found');
    return tenant;
  }

  listUsers(tenantId: string): Promise<UserView[]> {
    return this.db.withTenant(tenantId, (db) => this.users.list(db, tenantId));
  }

  async createUser(request: CreateUserRequest): Promise<UserView> {
    const { tenantId } = request;
    const email = normalizeEmail(request.email);
    assertStrongPassword(request.password, email);
    const phone = userPhone(request.phone) ?? null;
    try {
      return await this.db.withTenant(tenantId, async (db) => {
        const userId = await createUser(db, {
          tenantId,
          email,
          name: request.name,
          role: request.role,
          password: request.password,
          phone,
        });
        return (await this.users.find(db, tenantId, userId))!;
      });
    } catch (error) {
      if (uniqueViolation(error) === EMAIL_TAKEN) throw await this.emailTaken(tenantId, email);
      throw error;
    }
  }

  async updateUser(request: UpdateUserRequest): Promise<UserView> {
    const { tenantId, userId, actorUserId, actorSessionId, name, role, active, password } = request;
    const phone = userPhone(request.phone);
    if (userId === actorUserId && active === false) {
      throw new DomainError('VALIDATION', 'you cannot deactivate your own account');
    }
    if (userId === actorUserId && role !== undefined && role !== 'ceo') {
      throw new DomainError('VALIDATION', 'you cannot change your own role: another ceo must do it');
    }
    return this.db.withTenant(tenantId, async (db) => {
      const current = await this.users.lock(db, tenantId, userId);
      if (!current) throw new DomainError('NOT_FOUND', `user ${userId} not found`);
      if (password !== undefined) assertStrongPassword(password, current.email);
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      const user = (await this.users.update(db, tenantId, userId, {
        name,
        role,
        active,
        passwordHash,
        phone,
      }))!;
      // Deactivated: every session ends. New password: every session but the one of whoever set it.
      if (active === false) await this.sessions.revoke(db, tenantId, userId, {});
      else if (password !== undefined) {
        const except = userId === actorUserId ? actorSessionId : undefined;
        await this.sessions.revoke(db, tenantId, userId, { except });
      }
      // Gateways may trust a cached `userAccess` for a minute: they learn of this change from its row.
      if (role !== undefined || active !== undefined || password !== undefined) {
        await this.accessChanges.record(db, tenantId, userId);
      }
      return user;
    });
  }

  /**
   * The user's state and role, and whether their session `sessionId` is live (one transaction). Its only write is
   * the session's `last_seen_at` (what the sessions list shows), so its COMMIT does not wait for the WAL to reach
   * the disk: a slow fsync (130–270 ms seen under load) would otherwise hold every request's session check, and a
   * crash can lose at most the last moment of `last_seen_at` moves, never an access decision.
   */
  async userAccess(tenantId: string, userId: string, sessionId: string): Promise<UserAccess> {
    const access = await this.db.withTenant(tenantId, async (db) => {
      await db.query(`SET LOCAL synchronous_commit = off`);
      const user = await this.users.findAccess(db, tenantId, userId);
      if (!user) return null;
      return { ...user, sessionLive: await this.sessions.isLive(db, tenantId, userId, sessionId) };
    });
    if (!access) throw new DomainError('NOT_FOUND', 'user not found');
    return access;
  }

  sellersOverview(tenantId: string): Promise<SellerOverview[]> {
    return this.db.withTenant(tenantId, (db) => this.users.sellersOverview(db, tenantId));
  }

  /** 409 naming the existing user when it is one of this tenant's; another tenant's account is not disclosed. */
  private async emailTaken(tenantId: string, email: string): Promise<DomainError> {
    const existing = await this.db.withTenant(tenantId, (db) =>
      this.users.findIdByEmail(db, tenantId, email),
    );
    return existing
      ? new DomainError('CONFLICT', `user ${existing} already has the email ${email}`, { userId: existing })
      : new DomainError('CONFLICT', `the email ${email} is already used by another account`);
  }
}

/** A user's phone as typed, in E.164 like a lead's (`normalizePhone`); null and undefined pass through. */
function userPhone(phone: string | null | undefined): string | null | undefined {
  if (phone === undefined || phone === null) return phone;
  const normalized = normalizePhone(phone);
  if (!normalized) {
    throw new DomainError('VALIDATION', 'phone must be in E.164 format, e.g. +5215512345678', {
      fields: ['phone'],
    });
  }
  return normalized;
}

function assertStrongPassword(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new DomainError('VALIDATION', problem, { fields: ['password'] });
}
