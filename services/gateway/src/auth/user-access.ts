import { Injectable } from '@nestjs/common';
import { DomainError, Rpc, type AccessChange, type UserAccess } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { SessionContext } from './session';

/**
 * The revocation bound: how long the gateway trusts what crm-service said about a user (role, active) and their
 * session (live) when it cannot be sure it has heard of every change since.
 */
export const USER_ACCESS_TTL_MS = 5_000;
/** How long it trusts an answer while the access feed is fresh (every change reaches it within about a second). */
export const CONFIRMED_ACCESS_TTL_MS = 60_000;
/** The feed is fresh while its last applied poll was SENT less than this ago (`AccessChangesFeed` polls each second). */
export const ACCESS_FEED_FRESH_MS = 2_000;
/** Each poll asks for the changes committed in the last this many seconds. */
export const ACCESS_FEED_WINDOW_SECONDS = 30;
/**
 * Polls further apart than this (one's send to the next one's reply) may have missed a change between them, so the
 * feed vouches again only for answers fetched after the later one. Below the window by 10 s: a change's row may be
 * written up to that long before its transaction commits.
 */
const ACCESS_FEED_MAX_GAP_MS = 20_000;
/** Entries kept at most (one per signed-in session): the cache is emptied when it would grow beyond. */
const MAX_ENTRIES = 10_000;

/** `null`: the user no longer exists. `fetchedAt`: when the lookup was sent (its answer is at least that new). */
type Entry = { access: UserAccess | null; fetchedAt: number };

type SessionKey = Pick<SessionContext, 'tenantId' | 'userId' | 'sessionId'>;

/** The monotonic clock (a wall-clock step must not stretch a TTL). */
const now = (): number => performance.now();

/**
 * A session as crm-service has it now (user active? which role? session still live?), cached in process. An answer
 * is used for `USER_ACCESS_TTL_MS`, or for up to `CONFIRMED_ACCESS_TTL_MS` while the access feed vouches for it:
 * every change to a session's access commits a `crm.access_changes` row, `AccessChangesFeed` polls them each second
 * and `applyChanges` forgets the users named. A deactivated or demoted user, or a revoked session, thus loses access
 * within 5 s on every gateway replica even when a poll is lost or crm-service is down (the feed goes stale within 2 s
 * and the 5 s TTL applies), and at once on the replica that made the change (`forget`).
 */
@Injectable()
export class UserAccessCache {
  /** Per user (`tenant:user`), per session id. */
  private readonly entries = new Map<string, Map<string, Entry>>();
  private size = 0;
  /** Lookups under way: concurrent requests of one session share one RPC. */
  private readonly pending = new Map<string, Promise<UserAccess | null>>();
  /** Bumped by every forget, so an answer fetched before a change is not cached after it. */
  private generation = 0;
  /** When the last applied poll was sent: every change committed before then has been applied. */
  private feedFreshAt = -Infinity;
  /** When the first poll of the current unbroken run was sent: only answers fetched since are vouched for. */
  private feedSince = Infinity;
  /** The `seq`s of the last poll's changes: already applied, not to be forgotten again. */
  private appliedSeqs = new Set<string>();

  constructor(private readonly rpc: RpcClient) {}

  async get(session: SessionKey): Promise<UserAccess | null> {
    const userKey = `${session.tenantId}:${session.userId}`;
    const pendingKey = `${userKey}:${session.sessionId}`;
    const cached = this.entries.get(userKey)?.get(session.sessionId);
    if (cached && this.usable(cached)) return cached.access;
    const inFlight = this.pending.get(pendingKey);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const fetchedAt = now();
    const lookup = this.fetch(session)
      .then((access) => {
        if (generation === this.generation) this.store(userKey, session.sessionId, { access, fetchedAt });
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

  /**
   * One poll's answer (`crm.access.changes`, sent at `sentAt`, answered at `answeredAt`): forget each user named by
   * a change not yet applied (both ids null: everyone), then let the feed vouch for answers up to `sentAt`.
   */
  applyChanges(changes: readonly AccessChange[], sentAt: number, answeredAt: number): void {
    for (const change of changes) {
      if (this.appliedSeqs.has(change.seq)) continue;
      if (change.tenantId === null || change.userId === null) this.forgetAll();
      else this.forget(change.tenantId, change.userId);
    }
    this.appliedSeqs = new Set(changes.map((change) => change.seq));
    if (answeredAt - this.feedFreshAt > ACCESS_FEED_MAX_GAP_MS) this.feedSince = sentAt;
    this.feedFreshAt = Math.max(this.feedFreshAt, sentAt);
  }

  /**
   * Younger than the bound, or vouched for by the feed: fetched within the current unbroken run of polls, and the
   * last poll recent enough that a change committed since would have been applied within the bound.
   */
  private usable(entry: Entry): boolean {
    const at = now();
    const age = at - entry.fetchedAt;
    if (age < USER_ACCESS_TTL_MS) return true;
    return (
      age < CONFIRMED_ACCESS_TTL_MS &&
      entry.fetchedAt >= this.feedSince &&
      at - this.feedFreshAt < ACCESS_FEED_FRESH_MS
    );
  }

  private forgetAll(): void {
    this.generation += 1;
    this.entries.clear();
    this.size = 0;
    this.pending.clear();
  }

  private store(userKey: string, sessionId: string, entry: Entry): void {
    if (this.size >= MAX_ENTRIES) {
      this.entries.clear();
      this.size = 0;
    }
    let sessions = this.entries.get(userKey);
    if (!sessions) this.entries.set(userKey, (sessions = new Map()));
    if (!sessions.has(sessionId)) this.size += 1;
    sessions.set(sessionId, entry);
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
