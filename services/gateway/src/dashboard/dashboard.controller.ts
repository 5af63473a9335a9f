import { Controller, Get } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type CrmDashboard } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { actorOf } from '../auth/actor';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';

@ApiTags('dashboard')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm/dashboard')
export class DashboardController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({
    summary:
      'Pipeline per status, won revenue this and last month (tenant timezone) and the last 30 days of leads; ' +
      'a setter or closer gets their own numbers only',
  })
  @ApiOkResponse({ description: 'CrmDashboard' })
  get(@Session() session: SessionContext): Promise<CrmDashboard> {
    return this.rpc.call(Rpc.crm.dashboard, actorOf(session));
  }
}
