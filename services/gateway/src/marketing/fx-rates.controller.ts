import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, MODULE_ROLES, Rpc, type FxImportResult, type FxRateView } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { Request } from 'express';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { AcceptsBodyType } from '../http/cross-site.guard';
import { ValidBody } from '../http/validated-body';
import { FxRateBody, FxRatesQuery } from './marketing.dto';

const uuid = new ParseUUIDPipe();

/** The body of a CSV upload as text: strict UTF-8, else a 400 that says how to fix the file. */
function csvText(body: unknown): string {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new DomainError(
      'VALIDATION',
      'the file is empty: send the CSV as the body with Content-Type: text/csv',
      {
        reason: 'empty',
      },
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new DomainError('VALIDATION', 'the file is not UTF-8: save it as "CSV UTF-8" and upload it again', {
      reason: 'not_utf8',
    });
  }
}

/**
 * Dated exchange rates of the Marketing Hub (marketing-service `fx_rates`): read by ceo and professional, written
 * by the ceo — one at a time or a CSV file `day,from,to,rate`. A sale in another currency than the ad account's
 * counts in revenue converted by the rate valid on its day.
 */
@ApiTags('marketing')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.marketing)
@Controller('crm/marketing/fx-rates')
export class FxRatesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Exchange rates, per pair newest first (optionally one pair)' })
  @ApiOkResponse({ description: 'FxRateView[]' })
  list(@Session() session: SessionContext, @Query() query: FxRatesQuery): Promise<FxRateView[]> {
    return this.rpc.call(Rpc.marketing.listFxRates, {
      tenantId: session.tenantId,
      from: query.from,
      to: query.to,
    });
  }

  @Put()
  @Roles('ceo')
  @ApiOperation({ summary: 'Create or replace the rate of a pair on a day (1 from = rate to)' })
  @ApiBody({ type: FxRateBody })
  @ApiOkResponse({ description: 'FxRateView' })
  put(@Session() session: SessionContext, @ValidBody(FxRateBody) body: FxRateBody): Promise<FxRateView> {
    return this.rpc.call(Rpc.marketing.putFxRate, { tenantId: session.tenantId, rate: body });
  }

  @Delete(':id')
  @Roles('ceo')
  @ApiOperation({ summary: 'Delete a rate' })
  @ApiOkResponse({ description: '{ deleted: true }' })
  delete(@Session() session: SessionContext, @Param('id', uuid) id: string): Promise<{ deleted: true }> {
    return this.rpc.call(Rpc.marketing.deleteFxRate, { tenantId: session.tenantId, rateId: id });
  }

  @Post('import')
  @HttpCode(200)
  @Roles('ceo')
  @AcceptsBodyType('text/csv')
  @ApiOperation({
    summary: 'Import rates from a CSV (UTF-8; header day,from,to,rate; `,` `;` or tab separated)',
    description:
      'All or nothing: the first bad line is a 400 naming it (details.line, details.field). A pair and day that ' +
      'exists is replaced.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ description: 'FxImportResult' })
  import(@Session() session: SessionContext, @Req() request: Request): Promise<FxImportResult> {
    return this.rpc.call(Rpc.marketing.importFxRates, {
      tenantId: session.tenantId,
      csv: csvText(request.body),
    });
  }
}
