import { DomainError, type UserAccess } from '@crm/contracts';
import type { RpcClient } from '@crm/nest-common';
import { USER_ACCESS_TTL_MS, UserAccessCache } from './user-access';

const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';
const USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a222222';

describe('UserAccessCache', () => {
  let answer: UserAccess | Error;
  let calls: number;
  let now: number;
  let cache: UserAccessCache;

  beforeEach(() => {
    answer = { active: true, role: 'closer' };
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
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: true, role: 'closer' });
    answer = { active: false, role: 'closer' };
    now += USER_ACCESS_TTL_MS - 1;
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: true, role: 'closer' });
    expect(calls).toBe(1);
    now += 1;
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: false, role: 'closer' });
    expect(calls).toBe(2);
  });

  it('keeps at most 5 s between a change and its effect', () => {
    expect(USER_ACCESS_TTL_MS).toBeLessThanOrEqual(5_000);
  });

  it('forgets a user on demand (the replica that made the change applies it at once)', async () => {
    await cache.get(TENANT, USER);
    answer = { active: true, role: 'setter' };
    cache.forget(TENANT, USER);
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: true, role: 'setter' });
    expect(calls).toBe(2);
  });

  it('shares one lookup between concurrent requests, and does not cache one that a change overtook', async () => {
    const [first, second] = await Promise.all([cache.get(TENANT, USER), cache.get(TENANT, USER)]);
    expect(first).toEqual(second);
    expect(calls).toBe(1);

    now += USER_ACCESS_TTL_MS;
    const stale = cache.get(TENANT, USER); // fetched before the change below
    answer = { active: false, role: 'closer' };
    cache.forget(TENANT, USER);
    await stale;
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: false, role: 'closer' });
  });

  it('answers null for a user that no longer exists, and lets other failures through uncached', async () => {
    answer = new DomainError('NOT_FOUND', 'user not found');
    await expect(cache.get(TENANT, USER)).resolves.toBeNull();
    cache.forget(TENANT, USER);
    answer = new DomainError('UPSTREAM_TIMEOUT', 'no answer');
    await expect(cache.get(TENANT, USER)).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    answer = { active: true, role: 'ceo' };
    await expect(cache.get(TENANT, USER)).resolves.toEqual({ active: true, role: 'ceo' });
  });
});
