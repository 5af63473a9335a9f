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
  type LeadTimelinePage,
  type LeadView,
  type LeadViewer,
  type PipelineStageView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ValidBody } from '../http/validated-body';
import { Lead360Service } from './lead-360.service';
import {
  CreateLeadBody,
  LeadTimelineQuery,
  ListLeadsQuery,
  UpdateLeadBody,
  UpdateLeadStatusBody,
} from './leads.dto';

const uuid = new ParseUUIDPipe();

/** crm-service decides what the caller may see from this (setters and closers: only their leads). */
const viewerOf = (session: SessionContext): LeadViewer => ({ userId: session.userId, role: session.role });

@ApiTags('leads')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm')
export class LeadsController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly lead360: Lead360Service,
  ) {}

  @Get('leads')
  @ApiOperation({
    summary: 'Leads the caller may see (setters and closers: theirs), filtered, sorted, paged',
  })
  @ApiOkResponse({
    description: 'LeadPage (Meta-attributed leads with adNames; null if the catalogue is down)',
  })
  async list(@Session() session: SessionContext, @Query() query: ListLeadsQuery): Promise<LeadPage> {
    const page = await this.rpc.call(Rpc.crm.listLeads, {
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
    // One batch call for the page's ads.
    return { ...page, items: await this.lead360.withAdNames(session.tenantId, page.items) };
  }

  @Get('leads/:id')
  @ApiOperation({
    summary: 'One lead with its opportunities, sales, origin and (Meta-attributed) its ad names and creative',
  })
  @ApiOkResponse({ description: 'LeadDetail' })
  async get(@Session() session: SessionContext, @Param('id', uuid) id: string): Promise<LeadDetail> {
    const lead = await this.rpc.call(Rpc.crm.getLead, {
      tenantId: session.tenantId,
      leadId: id,
      viewer: viewerOf(session),
    });
    return this.lead360.withAdContext(session.tenantId, lead);
  }

  @Get('leads/:id/timeline')
  @ApiOperation({
    summary: 'The lead history, newest first: status, assignments, opportunities, sales and HSM sends',
  })
  @ApiOkResponse({ description: 'LeadTimelinePage' })
  timeline(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @Query() query: LeadTimelineQuery,
  ): Promise<LeadTimelinePage> {
    return this.lead360.timeline(session.tenantId, id, viewerOf(session), query);
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
      actorUserId: session.userId,
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
