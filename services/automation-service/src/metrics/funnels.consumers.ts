import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { FunnelsService } from './funnels.service';

/** Durable consumers that keep `automation.lead_outcomes` (conversions and opt-outs) for the funnels. */
export const FUNNEL_DURABLES = {
  opportunityCreated: 'automation-service_funnels-opportunity-created',
  saleCompleted: 'automation-service_funnels-sale-completed',
  leadOptedOut: 'automation-service_funnels-lead-opted-out',
} as const;

@Injectable()
export class FunnelsConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly funnels: FunnelsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: FUNNEL_DURABLES.opportunityCreated,
      subject: Events.opportunityCreated,
      handler: (event) => this.funnels.recordConversion(event),
    });
    await this.jetstream.consume({
      durable: FUNNEL_DURABLES.saleCompleted,
      subject: Events.saleCompleted,
      handler: (event) => this.funnels.recordConversion(event),
    });
    await this.jetstream.consume({
      durable: FUNNEL_DURABLES.leadOptedOut,
      subject: Events.leadOptedOut,
      handler: (event) => this.funnels.recordOptOut(event),
    });
  }
}
