import { Injectable } from '@nestjs/common';
import { DomainError, Rpc, type UserAccess } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';

/** How long the gateway trusts what crm-service said about a user's role and active flag. */
export const USER_ACCESS_TTL_MS = 5_000;
/** Entries kept at most (one per signed-in user): the cache is emptied when it would grow beyond. */
const MAX_ENTRIES = 10_000;

/** `null`: the user no longer exists. */
type Entry = { access: UserAccess | null; expiresAt: number };

/**
 * A session's user as crm-service has it now (active? which role?), cached in process for `USER_ACCESS_TTL_MS`:
 * a deactivated or demoted user loses access within 5 s on every gateway replica, and at once on the replica
 * that made the change (`forget`).
 */
@Injectable()
export class UserAccessCache {
  private readonly entries = new Map<string, Entry>();
  /** Lookups under way: concurrent requests of one user share one RPC. */
  private readonly pending = new Map<string, Promise<UserAccess | null>>();
  /** Bumped by `forget`, so an answer fetched before a change is not cached after it. */
  private generation = 0;

  constructor(private readonly rpc: RpcClient) {}

  async get(tenantId: string, userId: string): Promise<UserAccess | null> {
    const key = `${tenantId}:${userId}`;
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.access;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const lookup = this.fetch(tenantId, userId)
      .then((access) => {
        if (generation === this.generation) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(key, { access, expiresAt: Date.now() + USER_ACCESS_TTL_MS });
        }
        return access;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, lookup);
    return lookup;
  }

  forget(tenantId: string, userId: string): void {
    const key = `${tenantId}:${userId}`;
    this.generation += 1;
    this.entries.delete(key);
    this.pending.delete(key);
  }

  private async fetch(tenantId: string, userId: string): Promise<UserAccess | null> {
    try {
      return await this.rpc.call(Rpc.crm.userAccess, { tenantId, userId });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }
}
