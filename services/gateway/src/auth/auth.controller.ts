import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, Rpc, type ActiveSession, type SessionUser } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ValidBody } from '../http/validated-body';
import { Public, Session } from './auth.decorators';
import { LoginLimitGuard } from './login-limit.guard';
import { LoginLimiter } from './login-limiter';
import { LoginBody, SignupBody } from './login.dto';
import type { SessionContext } from './session';
import { SessionService } from './session.service';
import { UserAccessCache } from './user-access';

const uuid = new ParseUUIDPipe();

@ApiTags('auth')
@Controller('crm/auth')
export class AuthController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly sessions: SessionService,
    private readonly access: UserAccessCache,
    private readonly limiter: LoginLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(LoginLimitGuard)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in: a server-side session and the httpOnly `crm_session` cookie (limits per account, IP and network)',
  })
  @ApiBody({ type: LoginBody })
  @ApiOkResponse({ description: 'SessionUser' })
  async login(
    @ValidBody(LoginBody) body: LoginBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionUser> {
    const user = await this.rpc.call(Rpc.crm.verifyCredentials, {
      email: body.email,
      password: body.password,
    });
    await this.limiter.succeeded(body.email);
    await this.startSession(user, request, response);
    return user;
  }

  @Post('signup')
  @Public()
  @UseGuards(LoginLimitGuard)
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Self-serve sign-up: a new company (default pipeline) and its ceo, signed in (same cookie and limits as login)',
  })
  @ApiBody({ type: SignupBody })
  @ApiCreatedResponse({ description: 'SessionUser' })
  async signup(
    @ValidBody(SignupBody) body: SignupBody,
    @Req() request: Request,
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
    await this.startSession(user, request, response);
    return user;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Sign out: revokes this session (server-side) and clears the cookie' })
  async logout(
    @Session() session: SessionContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.rpc.call(Rpc.crm.revokeSessions, {
      tenantId: session.tenantId,
      userId: session.userId,
      sessionId: session.sessionId,
    });
    // This replica refuses the old cookie at once; the others within USER_ACCESS_TTL_MS.
    this.access.forget(session.tenantId, session.userId);
    this.sessions.clear(response);
  }

  @Post('logout-everywhere')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({
    summary: "Sign out on every device: revokes all of the user's sessions, this one included",
  })
  async logoutEverywhere(
    @Session() session: SessionContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.rpc.call(Rpc.crm.revokeSessions, { tenantId: session.tenantId, userId: session.userId });
    this.access.forget(session.tenantId, session.userId);
    this.sessions.clear(response);
  }

  @Get('sessions')
  @ApiCookieAuth()
  @ApiOperation({
    summary:
      "The caller's live sessions (most recently used first), the one of this request marked `current`",
  })
  @ApiOkResponse({ description: 'ActiveSession[]' })
  async listSessions(@Session() session: SessionContext): Promise<ActiveSession[]> {
    const sessions = await this.rpc.call(Rpc.crm.listSessions, {
      tenantId: session.tenantId,
      userId: session.userId,
    });
    return sessions.map((s) => ({ ...s, current: s.id === session.sessionId }));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({
    summary:
      "Sign out one of the caller's own sessions (404 for any other id); every replica refuses it within 5 s. " +
      "Ending this request's own session also clears its cookie.",
  })
  async revokeSession(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const { revoked } = await this.rpc.call(Rpc.crm.revokeSessions, {
      tenantId: session.tenantId,
      userId: session.userId,
      sessionId: id,
    });
    if (revoked === 0) throw new DomainError('NOT_FOUND', 'session not found');
    this.access.forget(session.tenantId, session.userId);
    if (id === session.sessionId) this.sessions.clear(response);
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

  /** A server-side session for the user just proven (its id is the JWT's `sid`), and its cookie. */
  private async startSession(user: SessionUser, request: Request, response: Response): Promise<void> {
    const userAgent = request.headers['user-agent'];
    const { sessionId } = await this.rpc.call(Rpc.crm.createSession, {
      tenantId: user.tenantId,
      userId: user.userId,
      ttlSeconds: this.config.SESSION_TTL_SECONDS,
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 1000) : undefined,
    });
    await this.sessions.issue(response, {
      userId: user.userId,
      tenantId: user.tenantId,
      role: user.role,
      sessionId,
    });
  }
}
