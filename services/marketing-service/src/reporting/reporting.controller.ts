import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, StatsRequest, type RoiReport, type StatsReport } from '@crm/contracts';
import { ReportingService } from './reporting.service';

@Controller()
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  @MessagePattern(Rpc.marketing.stats)
  stats(@Payload() request: StatsRequest): Promise<StatsReport> {
    return this.reporting.stats(request);
  }

  @MessagePattern(Rpc.marketing.roi)
  roi(@Payload() request: StatsRequest): Promise<RoiReport> {
    return this.reporting.roi(request);
  }
}
