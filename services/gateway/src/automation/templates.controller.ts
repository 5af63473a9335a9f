import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  OmitType,
} from '@nestjs/swagger';
import {
  CreateTemplateRequest,
  MODULE_ROLES,
  Rpc,
  ListTemplatesRequest,
  TEMPLATE_MEDIA_TYPE_LIST,
  type CreateTemplateInput,
  type TemplateDetailView,
  type TemplateMediaSample,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import type { Request } from 'express';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { ApiFromContract } from '../http/api-from-contract';
import { AcceptsBodyType } from '../http/cross-site.guard';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { TemplateMediaSamples, readMediaSample } from './template-media-samples';

/** Query of `GET /crm/marketing/automation/templates/details`. */
@ApiFromContract({ refresh: { description: 'Sync the templates from Meta first' } })
export class TemplateDetailsQuery extends OmitType(ListTemplatesRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/marketing/automation/templates`. */
@ApiFromContract({
  name: { example: 'seguimiento_visita' },
  language: { example: 'es_MX' },
  category: { example: 'MARKETING' },
})
export class CreateTemplateBody extends OmitType(CreateTemplateRequest, ['tenantId'] as const) {}

/**
 * WhatsApp templates end to end (meta-ads-service): details with header/body/footer/buttons, status, quality and
 * Meta's reason; creating one submits it to Meta for review (Meta's validation errors come back as 422 with Meta's
 * message for the user). The tenant is always the session's.
 */
@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing/automation/templates')
export class TemplatesController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly samples: TemplateMediaSamples,
  ) {}

  @Get('details')
  @ApiOperation({
    summary: 'Templates with structure, status, quality and Meta’s reason (refresh=true syncs first)',
  })
  @ApiOkResponse({ description: 'TemplateDetailView[]' })
  details(
    @Session() session: SessionContext,
    @Query() query: TemplateDetailsQuery,
  ): Promise<TemplateDetailView[]> {
    return this.rpc.call(
      Rpc.meta.templateDetails,
      { tenantId: session.tenantId, refresh: query.refresh },
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }

  @Post('media-samples')
  @HttpCode(201)
  @AcceptsBodyType(...TEMPLATE_MEDIA_TYPE_LIST)
  @ApiOperation({
    summary:
      'Upload the sample of a media header (JPEG/PNG ≤ 5 MB, MP4 ≤ 16 MB, PDF ≤ 16 MB) → Meta’s handle',
    description:
      'The body is the file itself with its Content-Type (image/jpeg, image/png, video/mp4, application/pdf); ' +
      '`fileName` names it for Meta. The gateway sends it to Meta’s Resumable Upload API through meta-ads-service ' +
      'and answers `{handle}`, which `POST …/templates` takes as `header.exampleHandle`. Another type is 415, a ' +
      'file over its limit 413, an empty file or one whose content is not its type 400 (`details.reason`).',
  })
  @ApiConsumes(...TEMPLATE_MEDIA_TYPE_LIST)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'TemplateMediaSample' })
  uploadMediaSample(
    @Session() session: SessionContext,
    @Req() request: Request,
    @Query('fileName') fileName?: unknown,
  ): Promise<TemplateMediaSample> {
    const file = readMediaSample(request.headers['content-type'], request.body, fileName);
    return this.samples.upload(session.tenantId, file);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a new template to Meta for review (stored as PENDING)' })
  @ApiBody({ type: CreateTemplateBody })
  @ApiOkResponse({ description: 'TemplateDetailView' })
  create(
    @Session() session: SessionContext,
    @ValidBody(CreateTemplateBody) body: CreateTemplateBody,
  ): Promise<TemplateDetailView> {
    const input = body as CreateTemplateInput;
    return this.rpc.call(
      Rpc.meta.createTemplate,
      {
        name: input.name,
        language: input.language,
        category: input.category,
        header: input.header,
        body: input.body,
        footer: input.footer,
        buttons: input.buttons,
        tenantId: session.tenantId,
      } as CreateTemplateRequest,
      META_BACKED_RPC_TIMEOUT_MS,
    );
  }
}
