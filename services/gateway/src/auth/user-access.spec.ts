import { DomainError, type AccessChange, type UserAccess } from '@crm/contracts';
import type { RpcClient } from '@crm/nest-common';
import {
  ACCESS_FEED_FRESH_MS,
  ACCESS_FEED_WINDOW_SECONDS,
  CONFIRMED_ACCESS_TTL_MS,
  USER_ACCESS_TTL_MS,
  UserAccessCache,
} from './user-access';

const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';
const USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a222222';
const SID = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a333333';
const OTHER_SID = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a444444';
const OTHER_USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a555555';
const session = { tenantId: TENANT, userId: USER, sessionId: SID };

describe('UserAccessCache', () => {
  let answer: UserAccess | Error;
  let calls: number;
  let now: number;
  let cache: UserAccessCache;

  beforeEach(() => {
    answer = { active: true, role: 'closer', sessionLive: true };
    calls = 0;
    now = 1_000_000;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const rpc = {
      call: async () => {
        calls += 1;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as RpcClient;
    cache = new UserAccessCache(rpc);
  });

  afterEach(() => jest.restoreAllMocks());

  it('asks crm-service once per user within the TTL, then again', async () => {
    await expect(cache.get(session)).resolves.toEqual({ active: true, role: 'closer', sessionLive: true });
    answer = { active: false, role: 'closer', sessionLive: true };
    now += USER_ACCESS_TTL_MS - 1;
    await expect(cache.get(session)).resolves.toEqual({ active: true, role: 'closer', sessionLive: true });
    expect(calls).toBe(1);
    now += 1;
    await expect(cache.get(session)).resolves.toEqual({ active: false, role: 'closer', sessionLive: true });
    expect(calls).toBe(2);
  });

  it('keeps at most 5 s between a change and its effect', () => {
    expect(USER_ACCESS_TTL_MS).toBeLessThanOrEqual(5_000);
  });

  it('forgets a user on demand (the replica that made the change applies it at once)', async () => {
    await cache.get(session);
    answer = { active: true, role: 'setter', sessionLive: true };
    cache.forget(TENANT, USER);
    await expect(cache.get(session)).resolves.toEqual({ active: true, role: 'setter', sessionLive: true });
    expect(calls).toBe(2);
  });

  it('shares one lookup between concurrent requests, and does not cache one that a change overtook', async () => {
    const [first, second] = await Promise.all([cache.get(session), cache.get(session)]);
    expect(first).toEqual(second);
    expect(calls).toBe(1);

    now += USER_ACCESS_TTL_MS;
    const stale = cache.get(session); // fetched before the change below
    answer = { active: false, role: 'closer', sessionLive: true };
    cache.forget(TENANT, USER);
    await stale;
    await expect(cache.get(session)).resolves.toEqual({ active: false, role: 'closer', sessionLive: true });
  });

  it('answers null for a user that no longer exists, and lets other failures through uncached', async () => {
    answer = new DomainError('NOT_FOUND', 'user not found');
    await expect(cache.get(session)).resolves.toBeNull();
    cache.forget(TENANT, USER);
    answer = new DomainError('UPSTREAM_TIMEOUT', 'no answer');
    await expect(cache.get(session)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    answer = { active: true, role: 'ceo', sessionLive: true };
    await expect(cache.get(session)).resolves.toEqual({ active: true, role: 'ceo', sessionLive: true });
  });

  it('caches per session, and forgetting the user drops every one of their sessions', async () => {
    const other = { ...session, sessionId: OTHER_SID };
    await cache.get(session);
    answer = { active: true, role: 'closer', sessionLive: false };
    await expect(cache.get(other)).resolves.toEqual({ active: true, role: 'closer', sessionLive: false });
    expect(calls).toBe(2);
    cache.forget(TENANT, USER);
    await expect(cache.get(session)).resolves.toEqual({ active: true, role: 'closer', sessionLive: false });
    await cache.get(other);
    expect(calls).toBe(4);
  });
});

describe('UserAccessCache with the access feed (crm.access.changes polled each second)', () => {
  let answer: UserAccess;
  let calls: number;
  let now: number;
  let cache: UserAccessCache;
  let seq: number;
  /** The changes crm-service would answer: every one of the last `ACCESS_FEED_WINDOW_SECONDS`. */
  let committed: (AccessChange & { at: number })[];

  const closer: UserAccess = { active: true, role: 'closer', sessionLive: true };
  const revoked: UserAccess = { active: true, role: 'closer', sessionLive: false };

  beforeEach(() => {
    answer = closer;
    calls = 0;
    now = 1_000_000;
    seq = 0;
    committed = [];
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const rpc = {
      call: async () => {
        calls += 1;
        return answer;
      },
    } as unknown as RpcClient;
    cache = new UserAccessCache(rpc);
  });

  afterEach(() => jest.restoreAllMocks());

  /** crm-service commits a change (its row) now. */
  const commit = (tenantId: string | null = TENANT, userId: string | null = USER) =>
    committed.push({ seq: String(++seq), tenantId, userId, at: now });
  /** A poll sent now and answered `latencyMs` later, as crm-service would answer it. */
  const poll = (latencyMs = 5) => {
    const sentAt = now;
    const window = committed.filter((c) => c.at > sentAt - ACCESS_FEED_WINDOW_SECONDS * 1000);
    now += latencyMs;
    cache.applyChanges(
      window.map(({ seq, tenantId, userId }) => ({ seq, tenantId, userId })),
      sentAt,
      now,
    );
  };
  /** `ms` of healthy feed: a poll every second. */
  const pollFor = (ms: number) => {
    const end = now + ms;
    while (now + 1_000 <= end) {
      now += 995;
      poll();
    }
    now = end;
  };

  it('trusts an answer for up to a minute while polls arrive, then asks again', async () => {
    poll();
    await cache.get(session);
    pollFor(CONFIRMED_ACCESS_TTL_MS - 100);
    await cache.get(session);
    expect(calls).toBe(1);
    pollFor(200);
    await cache.get(session);
    expect(calls).toBe(2);
  });

  it('falls back to the 5 s bound when polls stop (crm-service down, answers lost)', async () => {
    poll();
    await cache.get(session);
    pollFor(10_000);
    await cache.get(session);
    expect(calls).toBe(1);
    now += ACCESS_FEED_FRESH_MS; // no poll answered for 2 s: the 10 s old answer is no longer trusted
    answer = revoked;
    await expect(cache.get(session)).resolves.toEqual(revoked);
    expect(calls).toBe(2);
    // A fresh answer is still good for 5 s, and no longer.
    now += USER_ACCESS_TTL_MS - 1;
    await cache.get(session);
    expect(calls).toBe(2);
    now += 1;
    await cache.get(session);
    expect(calls).toBe(3);
  });

  it('trusts nothing beyond 5 s before the first poll is answered', async () => {
    await cache.get(session);
    now += USER_ACCESS_TTL_MS;
    await cache.get(session);
    expect(calls).toBe(2);
  });

  it("forgets the user named by a change's row at the next poll, once per row", async () => {
    poll();
    await cache.get(session);
    pollFor(20_000);
    answer = revoked;
    commit();
    pollFor(1_000);
    await expect(cache.get(session)).resolves.toEqual(revoked);
    expect(calls).toBe(2);
    // The row stays in the window for 30 s: applied already, it does not evict the user again.
    pollFor(20_000);
    await cache.get(session);
    expect(calls).toBe(2);
  });

  it('forgets only the user named; a row naming no one forgets everyone (a deleted tenant)', async () => {
    const other = { tenantId: TENANT, userId: OTHER_USER, sessionId: OTHER_SID };
    poll();
    await cache.get(session);
    await cache.get(other);
    pollFor(10_000);
    commit(TENANT, OTHER_USER);
    pollFor(1_000);
    await cache.get(session);
    await cache.get(other);
    expect(calls).toBe(3);
    commit(null, null);
    pollFor(1_000);
    await cache.get(session);
    await cache.get(other);
    expect(calls).toBe(5);
  });

  it('does not cache an answer fetched before a change applied while it was under way', async () => {
    poll();
    let release: (value: UserAccess) => void = () => undefined;
    const rpc = {
      call: () => new Promise<UserAccess>((resolve) => (release = resolve)),
    } as unknown as RpcClient;
    cache = new UserAccessCache(rpc);
    poll();
    const stale = cache.get(session);
    commit();
    poll();
    release(closer); // crm-service read the session before the change
    await expect(stale).resolves.toEqual(closer);
    const next = cache.get(session);
    release(revoked);
    await expect(next).resolves.toEqual(revoked);
  });

  it('vouches only for answers fetched after polls resumed from a gap a change could have slipped through', async () => {
    poll();
    await cache.get(session); // fetched at t0
    // Polls fail for 40 s; a change commits meanwhile and leaves the 30 s window before polls resume.
    now += 5_000;
    answer = revoked;
    commit();
    now += 35_000;
    poll();
    pollFor(3_000);
    // The answer of t0 is 43 s old, within a minute, and the feed is fresh: but it is not vouched for.
    await expect(cache.get(session)).resolves.toEqual(revoked);
    expect(calls).toBe(2);
  });

  it('keeps at most 5 s between a change and its effect, whatever the feed does', () => {
    expect(USER_ACCESS_TTL_MS).toBeLessThanOrEqual(5_000);
    // A change committed just after a poll was sent is applied by the next; until then the feed is trusted for
    // ACCESS_FEED_FRESH_MS from that send, which must stay under the bound.
    expect(ACCESS_FEED_FRESH_MS).toBeLessThan(USER_ACCESS_TTL_MS);
  });
});
