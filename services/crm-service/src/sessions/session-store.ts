import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '../common/sql';

/** `crm.sessions`: its SQL. A row is live while `revoked_at` is null and `expires_at` is ahead. */

/** Kept of a browser's User-Agent: enough to tell "Chrome on Android" from "Safari on Mac". */
export const USER_AGENT_MAX = 200;

@Injectable()
export class SessionStore {
  async insert(
    db: EntityManager,
    tenantId: string,
    userId: string,
    ttlSeconds: number,
    userAgent: string | null,
  ): Promise<{ id: string; expires_at: Date }> {
    const rows: { id: string; expires_at: Date }[] = await db.query(
      `INSERT INTO crm.sessions (tenant_id, user_id, expires_at, user_agent)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4)
       RETURNING id, expires_at`,
      [tenantId, userId, ttlSeconds, userAgent?.slice(0, USER_AGENT_MAX) ?? null],
    );
    return rows[0];
  }

  async isLive(db: EntityManager, tenantId: string, userId: string, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM crm.sessions
        WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL AND expires_at > now()`,
      [tenantId, userId, sessionId],
    );
    return rows.length > 0;
  }

  /** Revoke one session (`only`), or all the user's live ones but `except`. Answers how many it ended. */
  async revoke(
    db: EntityManager,
    tenantId: string,
    userId: string,
    scope: { only?: string; except?: string },
  ): Promise<number> {
    const rows = await updateReturning<{ id: string }>(
      db,
      `UPDATE crm.sessions SET revoked_at = now()
        WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL
          AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR id <> $4)
        RETURNING id`,
      [tenantId, userId, scope.only ?? null, scope.except ?? null],
    );
    return rows.length;
  }
}
