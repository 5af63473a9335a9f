import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AdContextRequest,
  AdInsightsIfChangedRequest,
  AdInsightsRequest,
  ResolveAdRequest,
  Rpc,
  type RpcReply,
} from '@crm/contracts';
import { AdCatalogService } from './ad-catalog.service';
import { InsightsService } from './insights.service';

@Controller()
export class AdsController {
  constructor(
    private readonly insights: InsightsService,
    private readonly catalog: AdCatalogService,
  ) {}

  @MessagePattern(Rpc.meta.adInsights)
  adInsights(@Payload() request: AdInsightsRequest): Promise<RpcReply<typeof Rpc.meta.adInsights>> {
    return this.insights.adInsights(request);
  }

  @MessagePattern(Rpc.meta.adInsightsIfChanged)
  adInsightsIfChanged(
    @Payload() request: AdInsightsIfChangedRequest,
  ): Promise<RpcReply<typeof Rpc.meta.adInsightsIfChanged>> {
    return this.insights.adInsightsIfChanged(request);
  }

  @MessagePattern(Rpc.meta.resolveAd)
  resolveAd(@Payload() request: ResolveAdRequest): Promise<RpcReply<typeof Rpc.meta.resolveAd>> {
    return this.catalog.resolve(request.tenantId, request.adId);
  }

  @MessagePattern(Rpc.meta.adContext)
  async adContext(@Payload() request: AdContextRequest): Promise<RpcReply<typeof Rpc.meta.adContext>> {
    return { ads: await this.catalog.context(request.tenantId, request.adIds) };
  }
}
