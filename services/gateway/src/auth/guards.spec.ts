import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { MODULE_ROLES, type Role } from '@crm/contracts';
import { HealthController } from '@crm/nest-common';
import type { GatewayConfig } from '../config';
import { Public, Roles } from './auth.decorators';
import { RolesGuard } from './roles.guard';
import { SESSION_COOKIE, type SessionRequest } from './session';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';

const SECRET = 'session-secret-session-secret-session!!';
const TENANT = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a111111';
const USER = '0b3c2a52-1c1e-4c3b-9a55-6d0c2a222222';

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
    crmSession: { userId: USER, tenantId: TENANT, role },
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
  const config = { SESSION_TTL_SECONDS: 3600, COOKIE_SECURE: true } as GatewayConfig;
  const jwt = new JwtService({
    secret: SECRET,
    signOptions: { algorithm: 'HS256', expiresIn: 3600 },
    verifyOptions: { algorithms: ['HS256'] },
  });
  const sessions = new SessionService(jwt, config);
  const guard = new SessionGuard(sessions, new Reflector());
  const request = (path: string, token?: string): Partial<SessionRequest> => ({
    path,
    cookies: token === undefined ? {} : { [SESSION_COOKIE]: token },
  });

  it('puts the verified caller on the request', async () => {
    const token = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'closer' });
    const req = request('/crm/leads', token);
    await expect(guard.canActivate(contextFor('open', req))).resolves.toBe(true);
    expect(req.crmSession).toEqual({ userId: USER, tenantId: TENANT, role: 'closer' });
  });

  it('answers 401 on /crm without a cookie, with a forged one, an expired one or bad claims', async () => {
    const forged = await new JwtService({ secret: 'another-secret-another-secret-another!' }).signAsync({
      sub: USER,
      tid: TENANT,
      role: 'ceo',
    });
    const expired = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'ceo' }, { expiresIn: -10 });
    const badRole = await jwt.signAsync({ sub: USER, tid: TENANT, role: 'admin' });
    const badTenant = await jwt.signAsync({ sub: USER, tid: 'tenant-1', role: 'ceo' });
    for (const token of [undefined, '', 'garbage', forged, expired, badRole, badTenant]) {
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
