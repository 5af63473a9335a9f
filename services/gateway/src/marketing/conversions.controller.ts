import { Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Rpc,
  type ConversionDatasetOption,
  type ConversionLogEntry,
  type ConversionSettingsView,
  type Page,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { ConversionLogQuery, UpdateConversionSettingsBody } from './conversions.dto';

/**
 * The Conversions API loop (issue 8): whether and where the tenant's Meta-attributed pipeline events are sent, and
 * the log of what was sent. The ceo's only: it sends customer data to Meta.
 */
@ApiTags('marketing')
@ApiCookieAuth()
@Roles('ceo')
@Controller('crm/marketing/conversions')
export class ConversionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('settings')
  @ApiOperation({ summary: 'On/off, dataset and which pipeline point sends which event' })
  @ApiOkResponse({ description: 'ConversionSettingsView' })
  settings(@Session() session: SessionContext): Promise<ConversionSettingsView> {
    return this.rpc.call(Rpc.meta.conversionSettings, { tenantId: session.tenantId });
  }

  @Put('settings')
  @ApiOperation({ summary: 'Change the Conversions API settings (only the fields given)' })
  @ApiBody({ type: UpdateConversionSettingsBody })
  @ApiOkResponse({ description: 'ConversionSettingsView' })
  update(
    @Session() session: SessionContext,
    @ValidBody(UpdateConversionSettingsBody) body: UpdateConversionSettingsBody,
  ): Promise<ConversionSettingsView> {
    return this.rpc.call(Rpc.meta.updateConversionSettings, { ...body, tenantId: session.tenantId });
  }

  @Get('datasets')
  @ApiOperation({ summary: 'Datasets (pixels) of the connected business portfolio' })
  @ApiOkResponse({ description: 'ConversionDatasetOption[]' })
  datasets(@Session() session: SessionContext): Promise<ConversionDatasetOption[]> {
    return this.rpc.call(
      Rpc.meta.conversionDatasets,
      { tenantId: session.tenantId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('log')
  @ApiOperation({ summary: 'Events queued, sent or refused by Meta, newest first' })
  @ApiOkResponse({ description: 'Page<ConversionLogEntry>' })
  log(
    @Session() session: SessionContext,
    @Query() query: ConversionLogQuery,
  ): Promise<Page<ConversionLogEntry>> {
    return this.rpc.call(Rpc.meta.conversionLog, {
      tenantId: session.tenantId,
      state: query.state,
      page: query.page,
      pageSize: query.pageSize,
    });
  }
}
