import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { MODULE_ROLES, type ConnectionStatus } from '@crm/contracts';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { MetaOauthService, marketingRedirect } from './meta-oauth.service';

@ApiTags('meta-oauth')
@ApiCookieAuth()
@Controller('crm/auth/meta')
export class MetaOauthController {
  constructor(private readonly oauth: MetaOauthService) {}

  @Get('url')
  @Roles(...MODULE_ROLES.marketing)
  @ApiOperation({
    summary:
      'URL of the Meta consent dialog, with a signed single-use state (10 min) bound to this browser by the ' +
      'httpOnly `crm_oauth` cookie',
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { url: { type: 'string' } } } })
  url(@Session() session: SessionContext, @Res({ passthrough: true }) response: Response): { url: string } {
    return { url: this.oauth.consentUrl(session, response) };
  }

  @Get('callback')
  @Roles(...MODULE_ROLES.marketing)
  @ApiOperation({
    summary: 'Meta redirects here; 302 to /marketing?meta=connected or ?meta_error=<reason>',
  })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'error', required: false })
  @ApiFoundResponse({ description: 'access_denied | invalid_state | exchange_failed | connected' })
  async callback(
    @Session() session: SessionContext,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const outcome = await this.oauth.handleCallback(request, response, session);
    if (!response.headersSent) response.redirect(302, marketingRedirect(outcome));
  }

  @Post('disconnect')
  @HttpCode(200)
  @Roles(...MODULE_ROLES.marketing)
  @ApiOperation({ summary: 'Forget the Meta connection of the tenant' })
  @ApiOkResponse({ description: 'ConnectionStatus' })
  disconnect(@Session() session: SessionContext): Promise<ConnectionStatus> {
    return this.oauth.disconnect(session);
  }
}
