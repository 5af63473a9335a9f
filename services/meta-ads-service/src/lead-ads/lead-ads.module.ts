import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { LeadAdsController } from './lead-ads.controller';
import { PagesService } from './pages.service';

/** Issue 8, Lead Ads: the Page step (exclusive Pages, `leadgen` subscription). */
@Module({
  imports: [GraphModule, WebhooksModule],
  controllers: [LeadAdsController],
  providers: [PagesService],
})
export class LeadAdsModule {}
