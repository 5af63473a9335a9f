import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SessionView } from '@crm/contracts';
import { updateReturning } from '../common/sql';

/** `crm.sessions`: its SQL. A row is live while `revoked_at` is null and `expires_at` is ahead. */

/** Kept of a browser's User-Agent: enough to tell "Chrome on Android" from "Safari on Mac". */
export const USER_AGENT_MAX = 200;

/** Sessions listed at most (the most recently used): a user signed in on more devices sees these. */
export const LISTED_SESSIONS_MAX = 50;

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

  /** Whether the session is live; a live one's `last_seen_at` moves to now when it is more than a minute old. */
  async isLive(db: EntityManager, tenantId: string, userId: string, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `WITH live AS (
         SELECT id, last_seen_at FROM crm.sessions
          WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL AND expires_at > now()
       ), seen AS (
         UPDATE crm.sessions s SET last_seen_at = now() FROM live
          WHERE s.tenant_id = $1 AND s.id = live.id
            AND (live.last_seen_at IS NULL OR live.last_seen_at < now() - interval '1 minute')
       )
       SELECT 1 FROM live`,
      [tenantId, userId, sessionId],
    );
    return rows.length > 0;
  }

  /** The user's live sessions, the most recently used first. */
  async listLive(db: EntityManager, tenantId: string, userId: string): Promise<SessionView[]> {
    const rows: {
      id: string;
      created_at: Date;
      last_seen_at: Date | null;
      expires_at: Date;
      user_agent: string | null;
    }[] = await db.query(
      `SELECT id, created_at, last_seen_at, expires_at, user_agent FROM crm.sessions
        WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
        ORDER BY COALESCE(last_seen_at, created_at) DESC, id
        LIMIT ${LISTED_SESSIONS_MAX}`,
      [tenantId, userId],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at.toISOString(),
      lastSeenAt: row.last_seen_at?.toISOString() ?? null,
      expiresAt: row.expires_at.toISOString(),
      userAgent: row.user_agent,
    }));
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
