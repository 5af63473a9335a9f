import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  MODULE_ROLES,
  Rpc,
  type LeadDetail,
  type LeadView,
  type Page,
  type PipelineStageView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ValidBody } from '../http/validated-body';
import { CreateLeadBody, ListLeadsQuery, UpdateLeadStatusBody } from './leads.dto';

const uuid = new ParseUUIDPipe();

@ApiTags('leads')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm')
export class LeadsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('leads')
  @ApiOperation({ summary: 'Leads of the tenant, newest first' })
  @ApiOkResponse({ description: 'Page<LeadView>' })
  list(@Session() session: SessionContext, @Query() query: ListLeadsQuery): Promise<Page<LeadView>> {
    return this.rpc.call(Rpc.crm.listLeads, {
      page: query.page,
      pageSize: query.pageSize,
      status: query.status,
      source: query.source,
      search: query.search,
      tenantId: session.tenantId,
    });
  }

  @Get('leads/:id')
  @ApiOperation({ summary: 'One lead with its opportunities and sales' })
  @ApiOkResponse({ description: 'LeadDetail' })
  get(@Session() session: SessionContext, @Param('id', uuid) id: string): Promise<LeadDetail> {
    return this.rpc.call(Rpc.crm.getLead, {
      tenantId: session.tenantId,
      leadId: id,
    });
  }

  @Post('leads')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a lead (status nuevo)' })
  @ApiBody({ type: CreateLeadBody })
  @ApiCreatedResponse({ description: 'LeadView' })
  create(
    @Session() session: SessionContext,
    @ValidBody(CreateLeadBody) body: CreateLeadBody,
  ): Promise<LeadView> {
    return this.rpc.call(Rpc.crm.createLead, {
      name: body.name,
      phone: body.phone,
      email: body.email,
      leadSource: body.leadSource,
      tenantId: session.tenantId,
    });
  }

  @Patch('leads/:id/status')
  @ApiOperation({ summary: 'Move a lead to another pipeline stage' })
  @ApiBody({ type: UpdateLeadStatusBody })
  @ApiOkResponse({ description: 'LeadView' })
  updateStatus(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(UpdateLeadStatusBody) body: UpdateLeadStatusBody,
  ): Promise<LeadView> {
    return this.rpc.call(Rpc.crm.updateLeadStatus, {
      tenantId: session.tenantId,
      leadId: id,
      status: body.status,
    });
  }

  @Get('pipeline')
  @ApiOperation({ summary: 'Pipeline stages of the tenant, in order' })
  @ApiOkResponse({ description: 'PipelineStageView[]' })
  pipeline(@Session() session: SessionContext): Promise<PipelineStageView[]> {
    return this.rpc.call(Rpc.crm.listPipeline, {
      tenantId: session.tenantId,
    });
  }
}
