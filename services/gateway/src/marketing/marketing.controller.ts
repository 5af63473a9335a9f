import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  MODULE_ROLES,
  Rpc,
  parseJsonText,
  type AdAccountOption,
  type ConnectionStatus,
  type JsonText,
  type MarketingReport,
  type PhoneNumberOption,
  type PortfolioOption,
  type RoiReport,
  type StatsReport,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { Response } from 'express';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { JsonTextReply } from '../http/json-text-reply';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { BusinessQuery, ConnectBody, StatsQuery } from './marketing.dto';
import { marketingReportCsv, marketingReportFileName } from './marketing-report-csv';

@ApiTags('marketing')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.marketing)
@Controller('crm/marketing')
export class MarketingController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('token-status')
  @ApiOperation({ summary: 'State of the Meta connection (never the token itself)' })
  @ApiOkResponse({ description: 'ConnectionStatus' })
  tokenStatus(@Session() session: SessionContext): Promise<ConnectionStatus> {
    return this.rpc.call(Rpc.meta.connectionStatus, {
      tenantId: session.tenantId,
    });
  }

  @Get('meta-portfolios')
  @ApiOperation({ summary: 'Business portfolios the connected Meta user can use' })
  @ApiOkResponse({ description: 'PortfolioOption[]' })
  portfolios(@Session() session: SessionContext): Promise<PortfolioOption[]> {
    return this.rpc.call(Rpc.meta.listPortfolios, { tenantId: session.tenantId }, META_BACKED_RPC_TIMEOUT_MS);
  }

  @Get('meta-accounts')
  @ApiOperation({ summary: 'Ad accounts of a portfolio (only ACTIVE ones are selectable)' })
  @ApiOkResponse({ description: 'AdAccountOption[]' })
  adAccounts(@Session() session: SessionContext, @Query() query: BusinessQuery): Promise<AdAccountOption[]> {
    return this.rpc.call(
      Rpc.meta.listAdAccounts,
      { tenantId: session.tenantId, businessId: query.businessId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('meta-phone-numbers')
  @ApiOperation({ summary: 'WhatsApp numbers of a portfolio' })
  @ApiOkResponse({ description: 'PhoneNumberOption[]' })
  phoneNumbers(
    @Session() session: SessionContext,
    @Query() query: BusinessQuery,
  ): Promise<PhoneNumberOption[]> {
    return this.rpc.call(
      Rpc.meta.listPhoneNumbers,
      { tenantId: session.tenantId, businessId: query.businessId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Post('connect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Choose the portfolio, ad account and WhatsApp number of the tenant' })
  @ApiBody({ type: ConnectBody })
  @ApiOkResponse({ description: 'ConnectionStatus' })
  connect(
    @Session() session: SessionContext,
    @ValidBody(ConnectBody) body: ConnectBody,
  ): Promise<ConnectionStatus> {
    return this.rpc.call(
      Rpc.meta.selectAssets,
      {
        tenantId: session.tenantId,
        businessId: body.businessId,
        adAccountId: body.adAccountId,
        wabaId: body.wabaId,
        phoneNumberId: body.phoneNumberId,
      },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('report')
  @ApiOperation({
    summary:
      'The Marketing Hub report of a range and view: KPIs, campaigns → ads, daily series, funnel, money per currency',
  })
  @ApiOkResponse({ description: 'MarketingReport' })
  @JsonTextReply()
  report(@Session() session: SessionContext, @Query() query: StatsQuery): Promise<JsonText<MarketingReport>> {
    return this.rpc.call(Rpc.marketing.report, reportRequest(session, query), META_BACKED_RPC_TIMEOUT_MS);
  }

  @Get('stats')
  @ApiOperation({ summary: "The report's KPIs: spend, leads, opportunities, sales, revenue, CPL, ROI" })
  @ApiOkResponse({ description: 'StatsReport' })
  stats(@Session() session: SessionContext, @Query() query: StatsQuery): Promise<StatsReport> {
    return this.rpc.call(Rpc.marketing.stats, reportRequest(session, query), META_BACKED_RPC_TIMEOUT_MS);
  }

  @Get('stats/roi')
  @ApiOperation({ summary: "The report's campaigns → ads (ROI per campaign and ad)" })
  @ApiOkResponse({ description: 'RoiReport' })
  @JsonTextReply()
  roi(@Session() session: SessionContext, @Query() query: StatsQuery): Promise<JsonText<RoiReport>> {
    return this.rpc.call(Rpc.marketing.roi, reportRequest(session, query), META_BACKED_RPC_TIMEOUT_MS);
  }

  @Get('stats/export.csv')
  @ApiOperation({
    summary: "The report's campaigns → ads as a CSV file (same numbers as the report)",
    description:
      'UTF-8 with a BOM, RFC 4180, one row per campaign then its ads, then `unattributed` when it has anything. ' +
      'A Meta failure is the JSON error of the report route, never a partial file.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv attachment `marketing-<since>_<until>-<view>.csv`' })
  async exportCsv(
    @Session() session: SessionContext,
    @Query() query: StatsQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    // The whole report first: an RPC error reaches the error filter before any header of the file is set.
    const report = parseJsonText(
      await this.rpc.call(Rpc.marketing.report, reportRequest(session, query), META_BACKED_RPC_TIMEOUT_MS),
    );
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${marketingReportFileName(report)}"`);
    response.setHeader('Cache-Control', 'no-store');
    return marketingReportCsv(report);
  }
}

function reportRequest(session: SessionContext, query: StatsQuery) {
  const { preset, since, until, view } = query;
  return { tenantId: session.tenantId, preset, since, until, view };
}
