import { Injectable } from '@nestjs/common';
import { DomainError, Rpc, type UserAccess } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { SessionContext } from './session';

/** How long the gateway trusts what crm-service said about a user (role, active) and their session (live). */
export const USER_ACCESS_TTL_MS = 5_000;
/** Entries kept at most (one per signed-in session): the cache is emptied when it would grow beyond. */
const MAX_ENTRIES = 10_000;

/** `null`: the user no longer exists. */
type Entry = { access: UserAccess | null; expiresAt: number };

type SessionKey = Pick<SessionContext, 'tenantId' | 'userId' | 'sessionId'>;

/**
 * A session as crm-service has it now (user active? which role? session still live?), cached in process for
 * `USER_ACCESS_TTL_MS`: a deactivated or demoted user, or a revoked session, loses access within 5 s on every
 * gateway replica, and at once on the replica that made the change (`forget`).
 */
@Injectable()
export class UserAccessCache {
  /** Per user (`tenant:user`), per session id. */
  private readonly entries = new Map<string, Map<string, Entry>>();
  private size = 0;
  /** Lookups under way: concurrent requests of one session share one RPC. */
  private readonly pending = new Map<string, Promise<UserAccess | null>>();
  /** Bumped by `forget`, so an answer fetched before a change is not cached after it. */
  private generation = 0;

  constructor(private readonly rpc: RpcClient) {}

  async get(session: SessionKey): Promise<UserAccess | null> {
    const userKey = `${session.tenantId}:${session.userId}`;
    const pendingKey = `${userKey}:${session.sessionId}`;
    const cached = this.entries.get(userKey)?.get(session.sessionId);
    if (cached && cached.expiresAt > Date.now()) return cached.access;
    const inFlight = this.pending.get(pendingKey);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const lookup = this.fetch(session)
      .then((access) => {
        if (generation === this.generation) this.store(userKey, session.sessionId, access);
        return access;
      })
      .finally(() => this.pending.delete(pendingKey));
    this.pending.set(pendingKey, lookup);
    return lookup;
  }

  /** Drop what is cached about every session of the user (after a change to the user or their sessions). */
  forget(tenantId: string, userId: string): void {
    const userKey = `${tenantId}:${userId}`;
    this.generation += 1;
    this.size -= this.entries.get(userKey)?.size ?? 0;
    this.entries.delete(userKey);
    for (const key of [...this.pending.keys()]) if (key.startsWith(`${userKey}:`)) this.pending.delete(key);
  }

  private store(userKey: string, sessionId: string, access: UserAccess | null): void {
    if (this.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.size = 0;
    }
    let sessions = this.entries.get(userKey);
    if (!sessions) this.entries.set(userKey, (sessions = new Map()));
    if (!sessions.has(sessionId)) this.size += 1;
    sessions.set(sessionId, { access, expiresAt: Date.now() + USER_ACCESS_TTL_MS });
  }

  private async fetch(session: SessionKey): Promise<UserAccess | null> {
    try {
      return await this.rpc.call(Rpc.crm.userAccess, {
        tenantId: session.tenantId,
        userId: session.userId,
        sessionId: session.sessionId,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }
}
