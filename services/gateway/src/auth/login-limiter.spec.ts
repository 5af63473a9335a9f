import type { GatewayConfig } from '../config';
import { LOGIN_LIMITS, LoginLimiter, networkOf } from './login-limiter';

const limitOf = (name: string) => LOGIN_LIMITS.find((limit) => limit.name === name)!.limit;

describe('networkOf', () => {
  it('groups IPv4 by /24 and IPv6 by /64 (IPv4-mapped IPv6 as IPv4)', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.9')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:a:b:1:2:3:4')).toBe('2001:db8:a:b::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('2001:DB8:0:0:ffff::1')).toBe(networkOf('2001:db8::2'));
  });
});

describe('LoginLimiter without Redis (in process)', () => {
  let now: number;
  let limiter: LoginLimiter;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    limiter = new LoginLimiter({} as GatewayConfig);
  });

  afterEach(() => jest.restoreAllMocks());

  it('refuses an account past its limit from any IP, until its window ends', async () => {
    for (let i = 0; i < limitOf('account'); i++) {
      await expect(limiter.hit('Ana@x.mx', `198.51.${i}.1`)).resolves.toEqual({ allowed: true });
    }
    const refused = await limiter.hit('ana@x.mx', '192.0.2.1');
    expect(refused).toEqual({ allowed: false, limit: 'account', retryAfterSeconds: 15 * 60 });
    await expect(limiter.hit('otra@x.mx', '192.0.2.1')).resolves.toEqual({ allowed: true });
    now += 15 * 60_000;
    await expect(limiter.hit('ana@x.mx', '192.0.2.1')).resolves.toEqual({ allowed: true });
  });

  it("a success clears that account's counter only", async () => {
    for (let i = 0; i < limitOf('account'); i++) {
      await limiter.hit('ana@x.mx', '192.0.2.1');
      await limiter.hit('luis@x.mx', '192.0.2.2');
    }
    await limiter.succeeded('ana@x.mx');
    await expect(limiter.hit('ana@x.mx', '192.0.2.1')).resolves.toEqual({ allowed: true });
    await expect(limiter.hit('luis@x.mx', '192.0.2.2')).resolves.toMatchObject({ allowed: false });
  });

  it('refuses an IP past its limit, and a network past its own across many IPs', async () => {
    for (let i = 0; i < limitOf('ip'); i++) await limiter.hit(`u${i}@x.mx`, '192.0.2.1');
    await expect(limiter.hit('nuevo@x.mx', '192.0.2.1')).resolves.toMatchObject({
      allowed: false,
      limit: 'ip',
    });
    for (let i = 0; i < limitOf('network'); i++) await limiter.hit(`v${i}@x.mx`, `198.51.100.${i % 250}`);
    await expect(limiter.hit('nuevo@x.mx', '198.51.100.251')).resolves.toMatchObject({
      allowed: false,
      limit: 'network',
    });
    await expect(limiter.hit('nuevo@x.mx', '198.51.101.1')).resolves.toEqual({ allowed: true });
  });
});
