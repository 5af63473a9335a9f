import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { LeadFormSyncScheduler } from './form-sync.scheduler';
import { FormsService } from './forms.service';
import { LeadAdsController } from './lead-ads.controller';
import { LeadgenBackfillService } from './leadgen-backfill.service';
import { ManagedPages } from './managed-pages';
import { PagesService } from './pages.service';

/**
 * Issue 8, Lead Ads: the Page step (exclusive Pages, `leadgen` subscription), the forms with their mapping, and
 * backfills (bulk reads of a form's leads over a range).
 */
@Module({
  imports: [GraphModule, WebhooksModule],
  controllers: [LeadAdsController],
  providers: [ManagedPages, PagesService, FormsService, LeadFormSyncScheduler, LeadgenBackfillService],
})
export class LeadAdsModule {}
