import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DashboardRequest, Rpc, type RpcReply } from '@crm/contracts';
import { DashboardService } from './dashboard.service';

@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @MessagePattern(Rpc.crm.dashboard)
  get(@Payload() request: DashboardRequest): Promise<RpcReply<typeof Rpc.crm.dashboard>> {
    return this.dashboard.get(request);
  }
}
