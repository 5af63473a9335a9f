import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateTemplateRequest,
  ListTemplatesRequest,
  MediaUploadChunkRequest,
  Rpc,
  SendOutcomeRequest,
  SendTemplateRequest,
  SendTextRequest,
  StartMediaUploadRequest,
  TemplateDetailsRequest,
  type CreateTemplateInput,
  type RpcReply,
} from '@crm/contracts';
import { SendsService } from './sends.service';
import { TemplateMediaService } from './template-media.service';
import { TemplatesService } from './templates.service';

@Controller()
export class WhatsappController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly sends: SendsService,
    private readonly media: TemplateMediaService,
  ) {}

  @MessagePattern(Rpc.meta.listTemplates)
  listTemplates(@Payload() request: ListTemplatesRequest): Promise<RpcReply<typeof Rpc.meta.listTemplates>> {
    return this.templates.list(request.tenantId, request.refresh ?? false);
  }

  @MessagePattern(Rpc.meta.templateDetails)
  templateDetails(
    @Payload() request: TemplateDetailsRequest,
  ): Promise<RpcReply<typeof Rpc.meta.templateDetails>> {
    return this.templates.details(request.tenantId, request.refresh ?? false);
  }

  @MessagePattern(Rpc.meta.createTemplate)
  createTemplate(
    @Payload() request: CreateTemplateRequest,
  ): Promise<RpcReply<typeof Rpc.meta.createTemplate>> {
    const { tenantId, ...input } = request;
    return this.templates.create(tenantId, input as CreateTemplateInput);
  }

  @MessagePattern(Rpc.meta.startMediaUpload)
  startMediaUpload(
    @Payload() request: StartMediaUploadRequest,
  ): Promise<RpcReply<typeof Rpc.meta.startMediaUpload>> {
    return this.media.start(request.tenantId, request);
  }

  @MessagePattern(Rpc.meta.uploadMediaChunk)
  uploadMediaChunk(
    @Payload() request: MediaUploadChunkRequest,
  ): Promise<RpcReply<typeof Rpc.meta.uploadMediaChunk>> {
    return this.media.sendChunk(request.tenantId, request);
  }

  @MessagePattern(Rpc.meta.sendTemplate)
  sendTemplate(@Payload() request: SendTemplateRequest): Promise<RpcReply<typeof Rpc.meta.sendTemplate>> {
    return this.sends.send(request);
  }

  @MessagePattern(Rpc.meta.sendText)
  sendText(@Payload() request: SendTextRequest): Promise<RpcReply<typeof Rpc.meta.sendText>> {
    return this.sends.sendText(request);
  }

  @MessagePattern(Rpc.meta.sendOutcome)
  sendOutcome(@Payload() request: SendOutcomeRequest): Promise<RpcReply<typeof Rpc.meta.sendOutcome>> {
    return this.sends.outcome(request.tenantId, request.idempotencyKey);
  }
}
