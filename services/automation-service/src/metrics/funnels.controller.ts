import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FunnelsRequest, Rpc, type RpcReply } from '@crm/contracts';
import { FunnelsService } from './funnels.service';

@Controller()
export class FunnelsController {
  constructor(private readonly funnels: FunnelsService) {}

  @MessagePattern(Rpc.automation.funnels)
  funnelsOf(@Payload() request: FunnelsRequest): Promise<RpcReply<typeof Rpc.automation.funnels>> {
    return this.funnels.funnels(request);
  }
}
