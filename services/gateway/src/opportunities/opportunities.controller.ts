import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type OpportunityBoard, type OpportunityView, type Page } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { actorOf } from '../auth/actor';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ValidBody } from '../http/validated-body';
import {
  CreateOpportunityBody,
  ListOpportunitiesQuery,
  OpportunityBoardQuery,
  UpdateOpportunityBody,
} from './opportunities.dto';

const uuid = new ParseUUIDPipe();

@ApiTags('opportunities')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm/opportunities')
export class OpportunitiesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Opportunities the caller may see, newest first' })
  @ApiOkResponse({ description: 'Page<OpportunityView>' })
  list(
    @Session() session: SessionContext,
    @Query() query: ListOpportunitiesQuery,
  ): Promise<Page<OpportunityView>> {
    return this.rpc.call(Rpc.crm.listOpportunities, {
      status: query.status,
      ownerId: query.ownerId,
      leadId: query.leadId,
      deadlineFrom: query.deadlineFrom,
      deadlineTo: query.deadlineTo,
      page: query.page,
      pageSize: query.pageSize,
      ...actorOf(session),
    });
  }

  @Get('board')
  @ApiOperation({ summary: 'Kanban: count, totals per currency and first cards of each status' })
  @ApiOkResponse({ description: 'OpportunityBoard' })
  board(
    @Session() session: SessionContext,
    @Query() query: OpportunityBoardQuery,
  ): Promise<OpportunityBoard> {
    return this.rpc.call(Rpc.crm.opportunityBoard, {
      ownerId: query.ownerId,
      leadId: query.leadId,
      deadlineFrom: query.deadlineFrom,
      deadlineTo: query.deadlineTo,
      perStatus: query.perStatus,
      ...actorOf(session),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One opportunity' })
  @ApiOkResponse({ description: 'OpportunityView' })
  get(@Session() session: SessionContext, @Param('id', uuid) id: string): Promise<OpportunityView> {
    return this.rpc.call(Rpc.crm.getOpportunity, { opportunityId: id, ...actorOf(session) });
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an opportunity for a lead (status pending)' })
  @ApiBody({ type: CreateOpportunityBody })
  @ApiCreatedResponse({ description: 'OpportunityView' })
  create(
    @Session() session: SessionContext,
    @ValidBody(CreateOpportunityBody) body: CreateOpportunityBody,
  ): Promise<OpportunityView> {
    return this.rpc.call(Rpc.crm.createOpportunity, {
      leadId: body.leadId,
      title: body.title,
      value: body.value,
      currency: body.currency,
      deadline: body.deadline,
      ownerId: body.ownerId,
      ...actorOf(session),
    });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit an opportunity or move it to won / lost / pending' })
  @ApiBody({ type: UpdateOpportunityBody })
  @ApiOkResponse({ description: 'OpportunityView' })
  update(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(UpdateOpportunityBody) body: UpdateOpportunityBody,
  ): Promise<OpportunityView> {
    return this.rpc.call(Rpc.crm.updateOpportunity, {
      opportunityId: id,
      title: body.title,
      value: body.value,
      currency: body.currency,
      deadline: body.deadline,
      ownerId: body.ownerId,
      status: body.status,
      lostReason: body.lostReason,
      ...actorOf(session),
    });
  }
}
