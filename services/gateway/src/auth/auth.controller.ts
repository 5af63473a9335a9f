import { Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError, Rpc, type SessionUser } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { ValidBody } from '../http/validated-body';
import { Public, Session } from './auth.decorators';
import { LoginBody, SignupBody } from './login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import type { SessionContext } from './session';
import { SessionService } from './session.service';

@ApiTags('auth')
@Controller('crm/auth')
export class AuthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly sessions: SessionService,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: sets the httpOnly `crm_session` cookie (5 attempts/min per IP+email)' })
  @ApiBody({ type: LoginBody })
  @ApiOkResponse({ description: 'SessionUser' })
  async login(
    @ValidBody(LoginBody) body: LoginBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionUser> {
    const user = await this.rpc.call(Rpc.crm.verifyCredentials, {
      email: body.email,
      password: body.password,
    });
    await this.sessions.issue(response, { userId: user.userId, tenantId: user.tenantId, role: user.role });
    return user;
  }

  @Post('signup')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Self-serve sign-up: a new company (default pipeline) and its ceo, signed in (same cookie and limits as login)',
  })
  @ApiBody({ type: SignupBody })
  @ApiCreatedResponse({ description: 'SessionUser' })
  async signup(
    @ValidBody(SignupBody) body: SignupBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionUser> {
    const user = await this.rpc.call(Rpc.crm.signup, {
      companyName: body.companyName,
      name: body.name,
      email: body.email,
      password: body.password,
      timezone: body.timezone,
      currency: body.currency,
      locale: body.locale,
    });
    await this.sessions.issue(response, { userId: user.userId, tenantId: user.tenantId, role: user.role });
    return user;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: clears the session cookie' })
  logout(@Res({ passthrough: true }) response: Response): void {
    this.sessions.clear(response);
  }

  @Get('me')
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The signed-in user (401 without a valid session)' })
  @ApiOkResponse({ description: 'SessionUser' })
  async me(
    @Session() session: SessionContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionUser> {
    try {
      return await this.rpc.call(Rpc.crm.getUser, {
        tenantId: session.tenantId,
        userId: session.userId,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        this.sessions.clear(response);
        throw new DomainError('UNAUTHORIZED', 'the session user no longer exists');
      }
      throw error;
    }
  }
}
