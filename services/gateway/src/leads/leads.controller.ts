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
  type LeadPage,
  type LeadView,
  type LeadViewer,
  type PipelineStageView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ValidBody } from '../http/validated-body';
import { CreateLeadBody, ListLeadsQuery, UpdateLeadBody, UpdateLeadStatusBody } from './leads.dto';

const uuid = new ParseUUIDPipe();

/** crm-service decides what the caller may see from this (setters and closers: only their leads). */
const viewerOf = (session: SessionContext): LeadViewer => ({ userId: session.userId, role: session.role });

@ApiTags('leads')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm')
export class LeadsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('leads')
  @ApiOperation({
    summary: 'Leads the caller may see (setters and closers: theirs), filtered, sorted, paged',
  })
  @ApiOkResponse({ description: 'LeadPage' })
  list(@Session() session: SessionContext, @Query() query: ListLeadsQuery): Promise<LeadPage> {
    return this.rpc.call(Rpc.crm.listLeads, {
      page: query.page,
      pageSize: query.pageSize,
      status: query.status,
      source: query.source,
      search: query.search,
      campaignId: query.campaignId,
      adId: query.adId,
      assignedUserId: query.assignedUserId,
      tag: query.tag,
      createdFrom: query.createdFrom,
      createdTo: query.createdTo,
      sort: query.sort,
      cursor: query.cursor,
      withTotal: query.withTotal,
      viewer: viewerOf(session),
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
      viewer: viewerOf(session),
    });
  }

  @Post('leads')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a lead (status nuevo): a setter or closer gets it, else the next active setter',
  })
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
      // A setter or closer keeps the lead they typed in (they would not see it otherwise); ceo and professional
      // leave it to the setters' round-robin.
      assignedUserId: session.role === 'setter' || session.role === 'closer' ? session.userId : undefined,
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
      viewer: viewerOf(session),
    });
  }

  @Patch('leads/:id')
  @ApiOperation({ summary: 'Change name, email, phone, assignee, status, notes or tags of a lead' })
  @ApiBody({ type: UpdateLeadBody })
  @ApiOkResponse({ description: 'LeadView' })
  update(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(UpdateLeadBody) body: UpdateLeadBody,
  ): Promise<LeadView> {
    return this.rpc.call(Rpc.crm.updateLead, {
      ...body,
      tenantId: session.tenantId,
      leadId: id,
      viewer: viewerOf(session),
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
