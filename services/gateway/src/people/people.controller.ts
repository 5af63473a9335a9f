import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type SellerOverview, type TenantView, type UserView } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { UserAccessCache } from '../auth/user-access';
import { ValidBody } from '../http/validated-body';
import { CreateUserBody, UpdateTenantBody, UpdateUserBody } from './people.dto';

const uuid = new ParseUUIDPipe();

@ApiTags('people')
@ApiCookieAuth()
@Controller('crm')
export class PeopleController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly access: UserAccessCache,
  ) {}

  @Get('tenant')
  @ApiOperation({ summary: "The tenant's settings (name, timezone, currency, locale)" })
  @ApiOkResponse({ description: 'TenantView' })
  tenant(@Session() session: SessionContext): Promise<TenantView> {
    return this.rpc.call(Rpc.crm.getTenant, { tenantId: session.tenantId });
  }

  @Patch('tenant')
  @Roles(...MODULE_ROLES.admin)
  @ApiOperation({ summary: "Change the tenant's settings (fields left out keep their value)" })
  @ApiBody({ type: UpdateTenantBody })
  @ApiOkResponse({ description: 'TenantView' })
  updateTenant(
    @Session() session: SessionContext,
    @ValidBody(UpdateTenantBody) body: UpdateTenantBody,
  ): Promise<TenantView> {
    return this.rpc.call(Rpc.crm.updateTenant, {
      name: body.name,
      timezone: body.timezone,
      currency: body.currency,
      locale: body.locale,
      optOutKeywords: body.optOutKeywords,
      optOutButtonTexts: body.optOutButtonTexts,
      tenantId: session.tenantId,
    });
  }

  @Get('users')
  @Roles(...MODULE_ROLES.sellers)
  @ApiOperation({ summary: 'Users of the tenant, by name (active and deactivated)' })
  @ApiOkResponse({ description: 'UserView[]' })
  users(@Session() session: SessionContext): Promise<UserView[]> {
    return this.rpc.call(Rpc.crm.listUsers, { tenantId: session.tenantId });
  }

  @Post('users')
  @Roles(...MODULE_ROLES.admin)
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a user to the tenant (409 when the email is taken)' })
  @ApiBody({ type: CreateUserBody })
  @ApiCreatedResponse({ description: 'UserView' })
  createUser(
    @Session() session: SessionContext,
    @ValidBody(CreateUserBody) body: CreateUserBody,
  ): Promise<UserView> {
    return this.rpc.call(Rpc.crm.createUser, {
      name: body.name,
      email: body.email,
      role: body.role,
      password: body.password,
      phone: body.phone,
      tenantId: session.tenantId,
    });
  }

  @Patch('users/:id')
  @Roles(...MODULE_ROLES.admin)
  @ApiOperation({
    summary: 'Rename, change the role or phone of, deactivate/reactivate or reset the password of a user',
  })
  @ApiBody({ type: UpdateUserBody })
  @ApiOkResponse({ description: 'UserView' })
  async updateUser(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(UpdateUserBody) body: UpdateUserBody,
  ): Promise<UserView> {
    const user = await this.rpc.call(Rpc.crm.updateUser, {
      name: body.name,
      role: body.role,
      active: body.active,
      password: body.password,
      phone: body.phone,
      tenantId: session.tenantId,
      actorUserId: session.userId,
      actorSessionId: session.sessionId,
      userId: id,
    });
    // This replica applies the change at once; the others within USER_ACCESS_TTL_MS.
    this.access.forget(session.tenantId, id);
    return user;
  }

  @Get('sellers')
  @Roles(...MODULE_ROLES.sellers)
  @ApiOperation({
    summary: 'Active setters, closers and ceos: open leads, open pipeline and won revenue (per currency)',
  })
  @ApiOkResponse({ description: 'SellerOverview[]' })
  sellers(@Session() session: SessionContext): Promise<SellerOverview[]> {
    return this.rpc.call(Rpc.crm.sellersOverview, { tenantId: session.tenantId });
  }
}
