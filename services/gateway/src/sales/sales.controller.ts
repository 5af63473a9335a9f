import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type Page, type SaleView } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { actorOf } from '../auth/actor';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ValidBody } from '../http/validated-body';
import { CreateSaleBody, ListSalesQuery, UpdateSaleBody } from './sales.dto';

const uuid = new ParseUUIDPipe();

@ApiTags('sales')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm/sales')
export class SalesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Sales the caller may see, latest completion first' })
  @ApiOkResponse({ description: 'Page<SaleView>' })
  list(@Session() session: SessionContext, @Query() query: ListSalesQuery): Promise<Page<SaleView>> {
    return this.rpc.call(Rpc.crm.listSales, {
      status: query.status,
      leadId: query.leadId,
      opportunityId: query.opportunityId,
      completedFrom: query.completedFrom,
      completedTo: query.completedTo,
      page: query.page,
      pageSize: query.pageSize,
      ...actorOf(session),
    });
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a completed sale of a lead (and one of its opportunities)' })
  @ApiBody({ type: CreateSaleBody })
  @ApiCreatedResponse({ description: 'SaleView' })
  create(
    @Session() session: SessionContext,
    @ValidBody(CreateSaleBody) body: CreateSaleBody,
  ): Promise<SaleView> {
    return this.rpc.call(Rpc.crm.createSale, {
      leadId: body.leadId,
      opportunityId: body.opportunityId,
      amount: body.amount,
      currency: body.currency,
      completedAt: body.completedAt,
      ...actorOf(session),
    });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Correct a sale or refund it' })
  @ApiBody({ type: UpdateSaleBody })
  @ApiOkResponse({ description: 'SaleView' })
  update(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(UpdateSaleBody) body: UpdateSaleBody,
  ): Promise<SaleView> {
    return this.rpc.call(Rpc.crm.updateSale, {
      saleId: id,
      amount: body.amount,
      currency: body.currency,
      completedAt: body.completedAt,
      status: body.status,
      ...actorOf(session),
    });
  }
}
