import { Injectable } from '@nestjs/common';
import type { AccessChange, CreatedSession, RevokedSessions, SessionView } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { AccessChangeStore } from './access-change-store';
import { SessionStore } from './session-store';

/**
 * Server-side sessions: created at login/sign-up, revoked at logout ("everywhere" too), on a password change and
 * on deactivation; the gateway checks liveness with `crm.users.access` and learns of every revocation from
 * `crm.access.changes` (a `crm.access_changes` row in the revoking transaction). Rows expired or revoked long ago
 * are deleted by crm-service's daily retention job (`crm.sessions` in retention.ts, `RETENTION_SESSIONS_DAYS`).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sessions: SessionStore,
    private readonly accessChanges: AccessChangeStore,
  ) {}

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

  list(tenantId: string, userId: string): Promise<SessionView[]> {
    return this.db.withTenant(tenantId, (db) => this.sessions.listLive(db, tenantId, userId));
  }

  async revoke(
    tenantId: string,
    userId: string,
    scope: { only?: string; except?: string },
  ): Promise<RevokedSessions> {
    const revoked = await this.db.withTenant(tenantId, async (db) => {
      const count = await this.sessions.revoke(db, tenantId, userId, scope);
      if (count > 0) await this.accessChanges.record(db, tenantId, userId);
      return count;
    });
    return { revoked };
  }

  /** What gateways poll: the access changes of every tenant committed in the last `windowSeconds`. */
  recentAccessChanges(windowSeconds: number): Promise<AccessChange[]> {
    return this.db.asSystem('access changes', (db) => this.accessChanges.recent(db, windowSeconds));
  }
}
