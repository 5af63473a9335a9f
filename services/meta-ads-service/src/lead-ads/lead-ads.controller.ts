import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, SelectPagesRequest, TenantRequest, type RpcReply } from '@crm/contracts';
import { PagesService } from './pages.service';

@Controller()
export class LeadAdsController {
  constructor(private readonly pages: PagesService) {}

  @MessagePattern(Rpc.meta.listPages)
  listPages(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.listPages>> {
    return this.pages.list(request.tenantId);
  }

  @MessagePattern(Rpc.meta.selectPages)
  selectPages(@Payload() request: SelectPagesRequest): Promise<RpcReply<typeof Rpc.meta.selectPages>> {
    return this.pages.select(request.tenantId, request.pageIds);
  }
}
