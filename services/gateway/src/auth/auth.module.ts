import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { GatewayConfig } from '../config';
import { AuthController } from './auth.controller';
import { LoginLimitGuard } from './login-limit.guard';
import { LoginLimiter } from './login-limiter';
import { RolesGuard } from './roles.guard';
import { SessionGuard } from './session.guard';
import { SessionService } from './session.service';
import { UserAccessCache } from './user-access';

/** Sign-up/login/logout/me, the session cookie, and the global session and role guards. */
@Module({})
export class AuthModule {
  static forRoot(config: Pick<GatewayConfig, 'SESSION_SECRET' | 'SESSION_TTL_SECONDS'>): DynamicModule {
    return {
      module: AuthModule,
      // Global: feature modules (people) reach the UserAccessCache.
      global: true,
      imports: [
        JwtModule.register({
          secret: config.SESSION_SECRET,
          signOptions: { algorithm: 'HS256', expiresIn: config.SESSION_TTL_SECONDS },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      controllers: [AuthController],
      providers: [
        SessionService,
        UserAccessCache,
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
