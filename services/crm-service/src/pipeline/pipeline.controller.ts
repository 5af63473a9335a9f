import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, TenantRequest, type RpcReply } from '@crm/contracts';
import { PipelineService } from './pipeline.service';

@Controller()
export class PipelineController {
  constructor(private readonly pipeline: PipelineService) {}

  @MessagePattern(Rpc.crm.listPipeline)
  list(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.crm.listPipeline>> {
    return this.pipeline.list(request.tenantId);
  }
}
