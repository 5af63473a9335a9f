import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateLeadgenBackfillRequest,
  ListLeadFormsRequest,
  Rpc,
  SelectPagesRequest,
  TenantRequest,
  UpdateLeadFormMappingRequest,
  type RpcReply,
} from '@crm/contracts';
import { FormsService } from './forms.service';
import { LeadgenBackfillService } from './leadgen-backfill.service';
import { PagesService } from './pages.service';

@Controller()
export class LeadAdsController {
  constructor(
    private readonly pages: PagesService,
    private readonly forms: FormsService,
    private readonly backfills: LeadgenBackfillService,
  ) {}

  @MessagePattern(Rpc.meta.listPages)
  listPages(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.listPages>> {
    return this.pages.list(request.tenantId);
  }

  @MessagePattern(Rpc.meta.selectPages)
  selectPages(@Payload() request: SelectPagesRequest): Promise<RpcReply<typeof Rpc.meta.selectPages>> {
    return this.pages.select(request.tenantId, request.pageIds);
  }

  @MessagePattern(Rpc.meta.listLeadForms)
  listForms(@Payload() request: ListLeadFormsRequest): Promise<RpcReply<typeof Rpc.meta.listLeadForms>> {
    return this.forms.list(request.tenantId, request.refresh === true);
  }

  @MessagePattern(Rpc.meta.updateLeadFormMapping)
  updateMapping(
    @Payload() request: UpdateLeadFormMappingRequest,
  ): Promise<RpcReply<typeof Rpc.meta.updateLeadFormMapping>> {
    return this.forms.updateMapping(request.tenantId, request.formId, request.mapping);
  }

  @MessagePattern(Rpc.meta.createLeadgenBackfill)
  createBackfill(
    @Payload() request: CreateLeadgenBackfillRequest,
  ): Promise<RpcReply<typeof Rpc.meta.createLeadgenBackfill>> {
    return this.backfills.create(request);
  }

  @MessagePattern(Rpc.meta.listLeadgenBackfills)
  listBackfills(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.listLeadgenBackfills>> {
    return this.backfills.list(request.tenantId);
  }
}
