import { Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  MODULE_ROLES,
  Rpc,
  type LeadAdsPageOption,
  type LeadAdsPageView,
  type LeadFormView,
  type LeadgenBackfillView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { LeadFormMappingBody, LeadFormsQuery, LeadgenBackfillBody, SelectPagesBody } from './lead-ads.dto';

/** Issue 8, Lead Ads: the Facebook Pages whose leads come to the account (the wizard's Page step). */
@ApiTags('marketing')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.marketing)
@Controller('crm/marketing/lead-ads')
export class LeadAdsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('pages')
  @ApiOperation({ summary: 'Facebook Pages the connected Meta user manages, and which this account chose' })
  @ApiOkResponse({ description: 'LeadAdsPageOption[]' })
  pages(@Session() session: SessionContext): Promise<LeadAdsPageOption[]> {
    return this.rpc.call(Rpc.meta.listPages, { tenantId: session.tenantId }, META_BACKED_RPC_TIMEOUT_MS);
  }

  @Put('pages')
  @ApiOperation({
    summary: 'Choose the Pages whose Lead Ads leads come here (409 when another account holds one)',
  })
  @ApiBody({ type: SelectPagesBody })
  @ApiOkResponse({ description: 'LeadAdsPageView[]' })
  selectPages(
    @Session() session: SessionContext,
    @ValidBody(SelectPagesBody) body: SelectPagesBody,
  ): Promise<LeadAdsPageView[]> {
    return this.rpc.call(
      Rpc.meta.selectPages,
      { tenantId: session.tenantId, pageIds: body.pageIds },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Get('forms')
  @ApiOperation({
    summary: 'Lead Ads forms of the chosen Pages with their questions and mapping (refresh=true syncs)',
  })
  @ApiOkResponse({ description: 'LeadFormView[]' })
  forms(@Session() session: SessionContext, @Query() query: LeadFormsQuery): Promise<LeadFormView[]> {
    return this.rpc.call(
      Rpc.meta.listLeadForms,
      { tenantId: session.tenantId, refresh: query.refresh },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Put('forms/:formId/mapping')
  @ApiOperation({ summary: "Where each of the form's answers goes in the CRM lead" })
  @ApiBody({ type: LeadFormMappingBody })
  @ApiOkResponse({ description: 'LeadFormView' })
  updateMapping(
    @Session() session: SessionContext,
    @Param('formId') formId: string,
    @ValidBody(LeadFormMappingBody) body: LeadFormMappingBody,
  ): Promise<LeadFormView> {
    return this.rpc.call(Rpc.meta.updateLeadFormMapping, {
      tenantId: session.tenantId,
      formId,
      mapping: body.mapping,
    });
  }

  @Get('backfills')
  @ApiOperation({ summary: 'Backfills of Lead Ads leads (the 50 latest) with their progress' })
  @ApiOkResponse({ description: 'LeadgenBackfillView[]' })
  backfills(@Session() session: SessionContext): Promise<LeadgenBackfillView[]> {
    return this.rpc.call(Rpc.meta.listLeadgenBackfills, { tenantId: session.tenantId });
  }

  @Post('backfills')
  @Roles('ceo')
  @ApiOperation({ summary: "Read a form's leads of a range from Meta again (after an outage); ceo only" })
  @ApiBody({ type: LeadgenBackfillBody })
  @ApiOkResponse({ description: 'LeadgenBackfillView (queued)' })
  createBackfill(
    @Session() session: SessionContext,
    @ValidBody(LeadgenBackfillBody) body: LeadgenBackfillBody,
  ): Promise<LeadgenBackfillView> {
    return this.rpc.call(Rpc.meta.createLeadgenBackfill, {
      tenantId: session.tenantId,
      formId: body.formId,
      since: body.since,
      until: body.until,
      requestedBy: session.userId,
    });
  }
}
