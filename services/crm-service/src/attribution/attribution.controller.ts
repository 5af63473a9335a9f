import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AttributionFactsRequest, AttributionSummaryRequest, Rpc, type RpcReply } from '@crm/contracts';
import { AttributionService } from './attribution.service';

@Controller()
export class AttributionController {
  constructor(private readonly attribution: AttributionService) {}

  @MessagePattern(Rpc.crm.attributionSummary)
  summary(
    @Payload() request: AttributionSummaryRequest,
  ): Promise<RpcReply<typeof Rpc.crm.attributionSummary>> {
    return this.attribution.summary(request.tenantId, request.since, request.until);
  }

  @MessagePattern(Rpc.crm.attributionFacts)
  facts(@Payload() request: AttributionFactsRequest): Promise<RpcReply<typeof Rpc.crm.attributionFacts>> {
    return this.attribution.factsPage(request.tenantId, request.afterLeadId, request.limit);
  }
}
