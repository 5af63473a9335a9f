import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DomainError, MODULE_ROLES, type Role, type UserAccess } from '@crm/contracts';
import { HealthController, type RpcClient } from '@crm/nest-common';
import { GatewayHttpError } from '../http/http-error';
import type { GatewayConfig } from '../config';
import { Public, Roles } from './auth.decorators';
import { RolesGuard } from './roles.guard';
import { SESSION_COOKIE, type SessionRequest } from './session';
import { SessionGuard } from './session.guard';
import { sessionJwtOptions } from './auth.module';
import { SessionService } from './session.service';
import { UserAccessCache } from './user-access';

const SECRET = 'session-secret-session-secret-session!!';
const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';
const USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a222222';
const SID = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a333333';

class Routes {
  @Roles(...MODULE_ROLES.marketing)
  marketing(): void {}

  @Roles(...MODULE_ROLES.automation)
  automation(): void {}

  open(): void {}

  @Public()
  login(): void {}
}

function contextFor(handler: keyof Routes, request: Partial<SessionRequest>): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());
  const as = (role: Role): Partial<SessionRequest> => ({
    crmSession: { userId: USER, tenantId: TENANT, role, sessionId: SID },
  });

  it.each(['ceo', 'professional'] as const)('lets %s into marketing', (role) => {
    expect(guard.canActivate(contextFor('marketing', as(role)))).toBe(true);
  });

  it.each(['setter', 'closer'] as const)('answers 403 to %s on marketing', (role) => {
    expect(() => guard.canActivate(contextFor('marketing', as(role)))).toThrow(ForbiddenException);
  });

  it('keeps automation for the ceo only', () => {
    expect(guard.canActivate(contextFor('automation', as('ceo')))).toBe(true);
    expect(() => guard.canActivate(contextFor('automation', as('professional')))).toThrow(ForbiddenException);
  });

  it('lets any session through a route without @Roles, and refuses a @Roles route without a session', () => {
    expect(guard.canActivate(contextFor('open', as('setter')))).toBe(true);
    expect(() => guard.canActivate(contextFor('marketing', {}))).toThrow(ForbiddenException);
  });
});

describe('SessionGuard', () => {
  const config = { SESSION_SECRET: SECRET, SESSION_TTL_SECONDS: 3600, COOKIE_SECURE: true } as GatewayConfig;
  const jwt = new JwtService(sessionJwtOptions(config));
  const sessions = new SessionService(jwt, config);
  /** What crm-service answers about USER (the RPC is the only thing replaced here). */
  let current: UserAccess | 'missing' = { active: true, role: 'closer', sessionLive: true };
  const rpc = {
    call: async () => {
      if (current === 'missing') throw new DomainError('NOT_FOUND', 'user not found');
      return current;
    },
  } as unknown as RpcClient;
  const access = new UserAccessCache(rpc);
  const guard = new SessionGuard(sessions, new Reflector(), access);
  const request = (path: string, token?: string): Partial<SessionRequest> => ({
    path,
    cookies: token === undefined ? {} : { [SESSION_COOKIE]: token },
  });
  const cleared: string[] = [];
  const response = { clearCookie: (name: string) => cleared.push(name) };
  const contextWithResponse = (req: Partial<SessionRequest>): ExecutionContext =>
    ({
      getType: () => 'http',
      getHandler: () => Routes.prototype.open,
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
    }) as unknown as ExecutionContext;

  beforeEach(() => {
    current = { active: true, role: 'closer', sessionLive: true };
    access.forget(TENANT, USER);
    cleared.length = 0;
  });

  it('puts the verified caller on the request', async () => {
    const token = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'closer', sid: SID });
    const req = request('/crm/leads', token);
    await expect(guard.canActivate(contextFor('open', req))).resolves.toBe(true);
    expect(req.crmSession).toEqual({ userId: USER, tenantId: TENANT, role: 'closer', sessionId: SID });
  });

  it("uses the user's current role, not the one signed into the cookie", async () => {
    const token = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo', sid: SID });
    current = { active: true, role: 'setter', sessionLive: true };
    const req = request('/crm/leads', token);
    await expect(guard.canActivate(contextWithResponse(req))).resolves.toBe(true);
    expect(req.crmSession?.role).toBe('setter');
  });

  it('refuses a deactivated user (401 ACCOUNT_DISABLED) and a deleted one (401), clearing the cookie', async () => {
    const token = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo', sid: SID });
    current = { active: false, role: 'ceo', sessionLive: true };
    const disabled = request('/crm/leads', token);
    const error = await guard.canActivate(contextWithResponse(disabled)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayHttpError);
    expect((error as GatewayHttpError).getStatus()).toBe(401);
    expect((error as GatewayHttpError).getResponse()).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    expect(disabled.crmSession).toBeUndefined();

    access.forget(TENANT, USER);
    current = 'missing';
    await expect(guard.canActivate(contextWithResponse(request('/crm/leads', token)))).rejects.toThrow(
      UnauthorizedException,
    );
    expect(cleared).toEqual([SESSION_COOKIE, SESSION_COOKIE]);
  });

  it('refuses a revoked or expired server-side session with 401, clearing the cookie', async () => {
    const token = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo', sid: SID });
    current = { active: true, role: 'ceo', sessionLive: false };
    const req = request('/crm/leads', token);
    const error = await guard.canActivate(contextWithResponse(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(req.crmSession).toBeUndefined();
    expect(cleared).toEqual([SESSION_COOKIE]);
  });

  it('accepts a cookie signed with the secret as a string (as issued before it became a KeyObject)', async () => {
    const before = await new JwtService({ secret: SECRET }).signAsync({
      sub: USER,
      tid: TENANT,
      role: 'ceo',
      sid: SID,
    });
    await expect(sessions.verify(before)).resolves.toEqual({
      userId: USER,
      tenantId: TENANT,
      role: 'ceo',
      sessionId: SID,
    });
  });

  it('answers 401 on /crm without a cookie, with a forged one, an expired one or bad claims', async () => {
    const forged = await new JwtService({ secret: 'another-secret-another-secret-another!' }).signAsync({
      sub: USER,
      tid: TENANT,
      role: 'ceo',
    });
    const expired = await jwt.signAsync(
      { sub: USER, tid: TENANT, role: 'ceo', sid: SID },
      { expiresIn: -10 },
    );
    const badRole = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'admin', sid: SID });
    const badTenant = await jwt.signAsync({ sub: USER, tid: 'tenant-1', role: 'ceo', sid: SID });
    // A token from before server-side sessions (no sid): its user signs in again.
    const noSid = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo' });
    const badSid = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo', sid: 'session-1' });
    for (const token of [undefined, '', 'garbage', forged, expired, badRole, badTenant, noSid, badSid]) {
      await expect(guard.canActivate(contextFor('open', request('/crm/leads', token)))).rejects.toThrow(
        UnauthorizedException,
      );
    }
  });

  it('lets @Public routes and the health/metrics probes through without a session', async () => {
    await expect(guard.canActivate(contextFor('login', request('/crm/auth/login')))).resolves.toBe(true);
    const probe = {
      getType: () => 'http',
      getHandler: () => HealthController.prototype.health,
      getClass: () => HealthController,
      switchToHttp: () => ({ getRequest: () => request('/health') }),
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(probe)).resolves.toBe(true);
  });

  it('is closed by default, whatever the spelling of the path', async () => {
    for (const path of ['/CRM/leads', '//crm/leads', '/anything']) {
      await expect(guard.canActivate(contextFor('open', request(path)))).rejects.toThrow(
        UnauthorizedException,
      );
    }
  });
});
