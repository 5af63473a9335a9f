import { Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  MODULE_ROLES,
  RULE_KEYS,
  Rpc,
  type AutomationLogView,
  type AutomationMetrics,
  type Page,
  type RuleKey,
  type RuleView,
  type TemplateView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { ListLogsQuery, MetricsQuery, TemplatesQuery, TriggerBody, UpdateRuleBody } from './automation.dto';

function ruleKey(value: string): RuleKey {
  if (!(RULE_KEYS as readonly string[]).includes(value)) {
    throw new DomainError('NOT_FOUND', `no automation rule ${JSON.stringify(value.slice(0, 64))}`);
  }
  return value as RuleKey;
}

@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing')
export class AutomationController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('automation/rules')
  @ApiOperation({ summary: 'Automation rules of the tenant' })
  @ApiOkResponse({ description: 'RuleView[]' })
  rules(@Session() session: SessionContext): Promise<RuleView[]> {
    return this.rpc.call(Rpc.automation.listRules, { tenantId: session.tenantId });
  }

  @Patch('automation/rules/:key')
  @ApiOperation({ summary: 'Enable/disable a rule, or change its delay, template and variables' })
  @ApiParam({ name: 'key', enum: RULE_KEYS })
  @ApiBody({ type: UpdateRuleBody })
  @ApiOkResponse({ description: 'RuleView' })
  updateRule(
    @Session() session: SessionContext,
    @Param('key') key: string,
    @ValidBody(UpdateRuleBody) body: UpdateRuleBody,
  ): Promise<RuleView> {
    return this.rpc.call(
      Rpc.automation.updateRule,
      {
        enabled: body.enabled,
        delaySeconds: body.delaySeconds,
        templateName: body.templateName,
        templateLanguage: body.templateLanguage,
        variableMapping: body.variableMapping,
        key: ruleKey(key),
        tenantId: session.tenantId,
      },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('automation/templates')
  @ApiOperation({ summary: 'WhatsApp templates of the connected WABA (refresh=true pulls from Meta)' })
  @ApiOkResponse({ description: 'TemplateView[]' })
  templates(@Session() session: SessionContext, @Query() query: TemplatesQuery): Promise<TemplateView[]> {
    return this.rpc.call(
      Rpc.meta.listTemplates,
      { tenantId: session.tenantId, refresh: query.refresh },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('automation-logs')
  @ApiOperation({ summary: 'Live log of automation sends, newest first' })
  @ApiOkResponse({ description: 'Page<AutomationLogView>' })
  logs(@Session() session: SessionContext, @Query() query: ListLogsQuery): Promise<Page<AutomationLogView>> {
    return this.rpc.call(Rpc.automation.listLogs, {
      page: query.page,
      pageSize: query.pageSize,
      status: query.status,
      ruleKey: query.ruleKey,
      leadId: query.leadId,
      tenantId: session.tenantId,
    });
  }

  @Get('automation/metrics')
  @ApiOperation({ summary: 'Delivered / read / replied counts and rates of the sends' })
  @ApiOkResponse({ description: 'AutomationMetrics' })
  metrics(@Session() session: SessionContext, @Query() query: MetricsQuery): Promise<AutomationMetrics> {
    return this.rpc.call(Rpc.automation.metrics, {
      ruleKey: query.ruleKey,
      tenantId: session.tenantId,
    });
  }

  @Post('automation/trigger')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a rule for one lead now (manual trigger)' })
  @ApiBody({ type: TriggerBody })
  @ApiOkResponse({ description: 'AutomationLogView' })
  trigger(
    @Session() session: SessionContext,
    @ValidBody(TriggerBody) body: TriggerBody,
  ): Promise<AutomationLogView> {
    return this.rpc.call(
      Rpc.automation.trigger,
      { tenantId: session.tenantId, ruleKey: body.ruleKey, leadId: body.leadId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }
}
