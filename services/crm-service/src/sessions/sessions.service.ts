import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { CreatedSession, RevokedSessions } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { SessionStore } from './session-store';

/** Rows expired or revoked longer ago than this are deleted. */
export const SESSION_RETENTION_DAYS = 30;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Server-side sessions: created at login/sign-up, revoked at logout ("everywhere" too), on a password change and
 * on deactivation; the gateway checks liveness with `crm.users.access`. Once an hour one replica (the one that wins
 * a transaction-scoped advisory lock; the others skip) deletes rows past the retention.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: TenantDatabase,
    private readonly sessions: SessionStore,
  ) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => void this.purgeDone(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }

  async create(
    tenantId: string,
    userId: string,
    ttlSeconds: number,
    userAgent?: string,
  ): Promise<CreatedSession> {
    const row = await this.db.withTenant(tenantId, (db) =>
      this.sessions.insert(db, tenantId, userId, ttlSeconds, userAgent ?? null),
    );
    return { sessionId: row.id, expiresAt: row.expires_at.toISOString() };
  }

  async revoke(
    tenantId: string,
    userId: string,
    scope: { only?: string; except?: string },
  ): Promise<RevokedSessions> {
    const revoked = await this.db.withTenant(tenantId, (db) =>
      this.sessions.revoke(db, tenantId, userId, scope),
    );
    return { revoked };
  }

  /** Delete rows past the retention, on one replica at a time; resolves with how many (0 when another ran it). */
  async purgeDone(): Promise<number> {
    try {
      return await this.db.asSystem('sessions: retention', async (db) => {
        const [{ locked }]: { locked: boolean }[] = await db.query(
          `SELECT pg_try_advisory_xact_lock(hashtext('crm.sessions.retention')) AS locked`,
        );
        return locked ? this.sessions.deleteDone(db, SESSION_RETENTION_DAYS) : 0;
      });
    } catch (error) {
      this.logger.error(`session retention failed: ${error instanceof Error ? error.message : 'error'}`);
      return 0;
    }
  }
}
