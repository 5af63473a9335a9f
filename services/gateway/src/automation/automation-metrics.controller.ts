import { Controller, Get, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type AutomationMetricsV2 } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { FunnelsQuery } from './automation-metrics.dto';

@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing')
export class AutomationMetricsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('automation/metrics/funnels')
  @ApiOperation({
    summary:
      'Per rule and per template: queued, sent, delivered, read, replied, failed by reason, opted out, converted',
  })
  @ApiOkResponse({
    description: 'AutomationMetricsV2 (rates null when their base is 0; days in the tenant timezone)',
  })
  async funnels(
    @Session() session: SessionContext,
    @Query() query: FunnelsQuery,
  ): Promise<AutomationMetricsV2> {
    const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId: session.tenantId });
    return this.rpc.call(Rpc.automation.funnels, {
      from: query.from,
      to: query.to,
      conversionDays: query.conversionDays,
      ruleKey: query.ruleKey,
      timezone: tenant.timezone,
      tenantId: session.tenantId,
    });
  }
}
