import { DomainError, type UserAccess } from '@crm/contracts';
import type { RpcClient } from '@crm/nest-common';
import { USER_ACCESS_TTL_MS, UserAccessCache } from './user-access';

const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';
const USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a222222';
const SID = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a333333';
const OTHER_SID = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a444444';
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
    jest.spyOn(Date, 'now').mockImplementation(() => now);
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
