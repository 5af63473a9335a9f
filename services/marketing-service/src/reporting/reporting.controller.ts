import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, StatsRequest, type RpcReply } from '@crm/contracts';
import { ReportingService } from './reporting.service';

@Controller()
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  @MessagePattern(Rpc.marketing.stats)
  stats(@Payload() request: StatsRequest): Promise<RpcReply<typeof Rpc.marketing.stats>> {
    return this.reporting.stats(request);
  }

  @MessagePattern(Rpc.marketing.roi)
  roi(@Payload() request: StatsRequest): Promise<RpcReply<typeof Rpc.marketing.roi>> {
    return this.reporting.roi(request);
  }
}
