import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  DomainError,
  LEAD_IMPORT_LIMITS,
  Rpc,
  type LeadImportReject,
  type LeadImportRejectPage,
  type LeadImportUpload,
  type LeadImportView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { Request, Response } from 'express';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { AcceptsBodyType } from '../http/cross-site.guard';
import { ValidBody } from '../http/validated-body';
import { readLeadCsv, rowParts } from './lead-import-csv';
import { REPORT_LANGUAGES, rejectsCsv, type ReportLanguage } from './lead-import-report';
import { StartLeadImportBody } from './leads.dto';

const uuid = new ParseUUIDPipe();
const { maxBytes, maxRows, maxColumns } = LEAD_IMPORT_LIMITS;

/**
 * CSV import of leads (ceo and professional): upload → mapping → a job crm-service runs in batches → its rejected
 * rows as a CSV. The gateway reads and checks the file and hands crm-service its rows in parts that fit in a NATS
 * message.
 */
@ApiTags('leads')
@ApiCookieAuth()
@Roles('ceo', 'professional')
@Controller('crm/leads/imports')
export class LeadImportsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @AcceptsBodyType('text/csv')
  @ApiOperation({
    summary: `Upload a CSV of leads (UTF-8, header row, ≤ ${maxColumns} columns, ≤ ${maxRows} rows, ≤ ${maxBytes / 1048576} MB)`,
    description:
      'The body is the file itself with Content-Type: text/csv. Answers the job (status uploaded), its header and ' +
      'its first rows; a file that is not UTF-8, has no rows, too many columns or rows, or a broken quote is a 400 ' +
      'whose details.reason says which.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'LeadImportUpload' })
  async upload(
    @Session() session: SessionContext,
    @Req() request: Request,
    @Query('fileName') fileName?: string,
  ): Promise<LeadImportUpload> {
    const { header, rows } = readLeadCsv(request.body);
    const job = await this.rpc.call(Rpc.crm.createLeadImport, {
      tenantId: session.tenantId,
      createdBy: session.userId,
      fileName: typeof fileName === 'string' ? fileName.slice(0, 255) : undefined,
      header,
      totalRows: rows.length,
    });
    let firstRow = 1;
    for (const part of rowParts(rows)) {
      await this.rpc.call(Rpc.crm.appendLeadImportRows, {
        tenantId: session.tenantId,
        importId: job.id,
        firstRow,
        rows: part,
      });
      firstRow += part.length;
    }
    return this.rpc.call(Rpc.crm.sealLeadImport, { tenantId: session.tenantId, importId: job.id });
  }

  @Get()
  @ApiOperation({ summary: 'The 20 most recent imports of the tenant' })
  @ApiOkResponse({ description: 'LeadImportView[]' })
  list(@Session() session: SessionContext): Promise<LeadImportView[]> {
    return this.rpc.call(Rpc.crm.listLeadImports, { tenantId: session.tenantId });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One import with its progress (processed, created, duplicates, rejected)' })
  @ApiOkResponse({ description: 'LeadImportView' })
  get(@Session() session: SessionContext, @Param('id', uuid) id: string): Promise<LeadImportView> {
    return this.rpc.call(Rpc.crm.getLeadImport, { tenantId: session.tenantId, importId: id });
  }

  @Post(':id/start')
  @ApiOperation({ summary: 'Start an uploaded import with its column mapping' })
  @ApiBody({ type: StartLeadImportBody })
  @ApiOkResponse({ description: 'LeadImportView' })
  @HttpCode(200)
  start(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @ValidBody(StartLeadImportBody) body: StartLeadImportBody,
  ): Promise<LeadImportView> {
    return this.rpc.call(Rpc.crm.startLeadImport, {
      tenantId: session.tenantId,
      importId: id,
      mapping: body.mapping,
    });
  }

  @Get(':id/rejects.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({
    summary:
      'The rejected and duplicate rows as CSV (UTF-8 with BOM): row, reason in lang (es|en), original columns',
  })
  @ApiOkResponse({ description: 'text/csv' })
  async rejects(
    @Session() session: SessionContext,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) response: Response,
    @Query('lang') lang?: string,
  ): Promise<string> {
    const language = (REPORT_LANGUAGES as readonly string[]).includes(lang ?? '')
      ? (lang as ReportLanguage)
      : 'es';
    if (lang !== undefined && language !== lang) {
      throw new DomainError('VALIDATION', `lang must be one of ${REPORT_LANGUAGES.join(', ')}`);
    }
    const items: LeadImportReject[] = [];
    let header: string[] = [];
    let after: number | null = 0;
    while (after !== null) {
      const page: LeadImportRejectPage = await this.rpc.call(Rpc.crm.leadImportRejects, {
        tenantId: session.tenantId,
        importId: id,
        after,
      });
      header = page.header;
      items.push(...page.items);
      after = page.nextAfter;
    }
    const name = language === 'es' ? 'rechazados' : 'rejected';
    response.setHeader('Content-Disposition', `attachment; filename="${name}-${id.slice(0, 8)}.csv"`);
    return rejectsCsv(header, items, language);
  }
}
