import { createSecretKey } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule, type JwtModuleOptions } from '@nestjs/jwt';
import type { GatewayConfig } from '../config';
import { AccessChangesFeed } from './access-changes-feed';
import { AuthController } from './auth.controller';
import { LoginLimitGuard } from './login-limit.guard';
import { LoginLimiter } from './login-limiter';
import { RolesGuard } from './roles.guard';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { UserAccessCache } from './user-access';

/** The session JWT: HS256 with SESSION_SECRET. */
export function sessionJwtOptions(
  config: Pick<GatewayConfig, 'SESSION_SECRET' | 'SESSION_TTL_SECONDS'>,
): JwtModuleOptions {
  return {
    // A KeyObject, not the string: given a string, jsonwebtoken first tries to read it as a PEM public key (which
    // throws) on every verify — 14 % of the gateway's CPU in the load bench. Same bytes, so every cookie stays valid.
    secret: createSecretKey(Buffer.from(config.SESSION_SECRET)),
    signOptions: { algorithm: 'HS256', expiresIn: config.SESSION_TTL_SECONDS },
    verifyOptions: { algorithms: ['HS256'] },
  };
}

/** Sign-up/login/logout/me, the session cookie, and the global session and role guards. */
@Module({})
export class AuthModule {
  static forRoot(config: Pick<GatewayConfig, 'SESSION_SECRET' | 'SESSION_TTL_SECONDS'>): DynamicModule {
    return {
      module: AuthModule,
      // Global: feature modules (people) reach the UserAccessCache.
      global: true,
      imports: [JwtModule.register(sessionJwtOptions(config))],
      controllers: [AuthController],
      providers: [
        SessionService,
        UserAccessCache,
        AccessChangesFeed,
        LoginLimiter,
        LoginLimitGuard,
        // Order matters: the session guard puts the caller on the request, then the roles guard reads it.
        { provide: APP_GUARD, useClass: SessionGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [SessionService, UserAccessCache],
    };
  }
}
