import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  MODULE_ROLES,
  RULE_KEY_PATTERN,
  Rpc,
  type AutomationLogView,
  type AutomationMetrics,
  type AutomationRuleView,
  type Page,
  type TemplateView,
  type TriggerPreview,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import {
  CreateRuleBody,
  ListLogsQuery,
  MetricsQuery,
  PreviewBody,
  TemplatesQuery,
  TriggerBody,
  UpdateRuleBody,
} from './automation.dto';

/** A built-in key or a user rule's `r_<12 hex>`; anything else is a rule that cannot exist (404). */
function ruleKey(value: string): string {
  if (!RULE_KEY_PATTERN.test(value)) {
    throw new DomainError('NOT_FOUND', `no automation rule ${JSON.stringify(value.slice(0, 64))}`);
  }
  return value;
}

@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing')
export class AutomationController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('automation/rules')
  @ApiOperation({ summary: 'Automation rules of the tenant' })
  @ApiOkResponse({ description: 'AutomationRuleView[]: the three built-in rules, then the user rules' })
  rules(@Session() session: SessionContext): Promise<AutomationRuleView[]> {
    return this.rpc.call(Rpc.automation.listRules, { tenantId: session.tenantId });
  }

  @Post('automation/rules')
  @ApiOperation({ summary: 'Create a user rule (trigger, conditions, template and mapping, timing, limits)' })
  @ApiBody({ type: CreateRuleBody })
  @ApiOkResponse({ description: 'AutomationRuleView (201)' })
  createRule(
    @Session() session: SessionContext,
    @ValidBody(CreateRuleBody) body: CreateRuleBody,
  ): Promise<AutomationRuleView> {
    return this.rpc.call(
      Rpc.automation.createRule,
      { ...body, tenantId: session.tenantId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Patch('automation/rules/:key')
  @ApiOperation({
    summary: 'Change a rule (built-in or user): on/off, timing, conditions, template and mapping…',
  })
  @ApiParam({
    name: 'key',
    description: 'lead_followup, opportunity_reminder, post_sale_feedback or r_<12 hex>',
  })
  @ApiBody({ type: UpdateRuleBody })
  @ApiOkResponse({ description: 'AutomationRuleView' })
  updateRule(
    @Session() session: SessionContext,
    @Param('key') key: string,
    @ValidBody(UpdateRuleBody) body: UpdateRuleBody,
  ): Promise<AutomationRuleView> {
    return this.rpc.call(
      Rpc.automation.updateRule,
      { ...body, key: ruleKey(key), tenantId: session.tenantId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Delete('automation/rules/:key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user rule (its scheduled sends are cancelled); built-in rules: 400' })
  @ApiParam({ name: 'key', description: 'r_<12 hex>' })
  async deleteRule(@Session() session: SessionContext, @Param('key') key: string): Promise<void> {
    await this.rpc.call(Rpc.automation.deleteRule, { key: ruleKey(key), tenantId: session.tenantId });
  }

  @Post('automation/rules/:key/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run for one lead: the message as it would be sent, or why not' })
  @ApiBody({ type: PreviewBody })
  @ApiOkResponse({ description: 'TriggerPreview' })
  preview(
    @Session() session: SessionContext,
    @Param('key') key: string,
    @ValidBody(PreviewBody) body: PreviewBody,
  ): Promise<TriggerPreview> {
    return this.rpc.call(
      Rpc.automation.preview,
      { ...body, ruleKey: ruleKey(key), tenantId: session.tenantId },
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
  @ApiOperation({
    summary: 'Live log of automation sends, newest first (day: a date in the tenant timezone)',
  })
  @ApiOkResponse({ description: 'Page<AutomationLogView>' })
  async logs(
    @Session() session: SessionContext,
    @Query() query: ListLogsQuery,
  ): Promise<Page<AutomationLogView>> {
    // A day is the tenant's day, whatever the caller's clock says.
    const timezone = query.day
      ? (await this.rpc.call(Rpc.crm.getTenant, { tenantId: session.tenantId })).timezone
      : undefined;
    return this.rpc.call(Rpc.automation.listLogs, {
      page: query.page,
      pageSize: query.pageSize,
      status: query.status,
      ruleKey: query.ruleKey,
      leadId: query.leadId,
      day: query.day,
      timezone,
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
      {
        tenantId: session.tenantId,
        ruleKey: body.ruleKey,
        leadId: body.leadId,
        opportunityId: body.opportunityId,
        saleId: body.saleId,
      },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }
}
