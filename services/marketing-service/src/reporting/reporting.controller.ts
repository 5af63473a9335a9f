import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ReportRequest, Rpc, type RpcReply } from '@crm/contracts';
import { ReportingService } from './reporting.service';

@Controller()
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  /**
   * Answered as its JSON text: serialised here, off the gateway's event loop, which then parses one string out of the
   * reply instead of building the report's ~20,000 objects and serialising them again. The text is cached while the
   * report's inputs are unchanged (ReportingService).
   */
  @MessagePattern(Rpc.marketing.report)
  report(@Payload() request: ReportRequest): Promise<RpcReply<typeof Rpc.marketing.report>> {
    return this.reporting.report(request);
  }

  /** `marketing.stats` is the report's KPIs (the request may name a view; `period` by default). */
  @MessagePattern(Rpc.marketing.stats)
  stats(@Payload() request: ReportRequest): Promise<RpcReply<typeof Rpc.marketing.stats>> {
    return this.reporting.stats(request);
  }

  /** `marketing.stats.roi` is the report's campaigns → ads and unattributed, answered as JSON text like the report. */
  @MessagePattern(Rpc.marketing.roi)
  roi(@Payload() request: ReportRequest): Promise<RpcReply<typeof Rpc.marketing.roi>> {
    return this.reporting.roi(request);
  }
}
