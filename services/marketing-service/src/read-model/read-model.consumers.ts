import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ReadModelService } from './read-model.service';

/**
 * Durable consumers of the read model (`<service>_<purpose>`). Every handler is idempotent and order-independent
 * (versioned state, see ReadModelService). A transient failure (database, a rebuild holding the tenant) is retried
 * without limit — a read model must not skip an event; a permanent one (invalid payload) is parked in
 * `marketing.dead_letters`.
 */
export const READ_MODEL_DURABLES = {
  leadCreated: 'marketing-service_read-model-lead-created',
  opportunityCreated: 'marketing-service_read-model-opportunity-created',
  opportunityUpdated: 'marketing-service_read-model-opportunity-updated',
  opportunityWon: 'marketing-service_read-model-opportunity-won',
  opportunityLost: 'marketing-service_read-model-opportunity-lost',
  saleCompleted: 'marketing-service_read-model-sale-completed',
  saleRefunded: 'marketing-service_read-model-sale-refunded',
  saleUpdated: 'marketing-service_read-model-sale-updated',
} as const;

/** `maxDeliver` 0: transient failures are retried forever (with the service's capped backoff). */
const FOREVER = 0;

@Injectable()
export class ReadModelConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly readModel: ReadModelService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const d = READ_MODEL_DURABLES;
    const model = this.readModel;
    await this.jetstream.consume({
      durable: d.leadCreated,
      subject: Events.leadCreated,
      maxDeliver: FOREVER,
      handler: (event) => model.onLeadCreated(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityCreated,
      subject: Events.opportunityCreated,
      maxDeliver: FOREVER,
      handler: (event) => model.onOpportunity(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityUpdated,
      subject: Events.opportunityUpdated,
      maxDeliver: FOREVER,
      handler: (event) => model.onOpportunity(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityWon,
      subject: Events.opportunityWon,
      maxDeliver: FOREVER,
      handler: (event) => model.onOpportunity(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityLost,
      subject: Events.opportunityLost,
      maxDeliver: FOREVER,
      handler: (event) => model.onOpportunity(event),
    });
    await this.jetstream.consume({
      durable: d.saleCompleted,
      subject: Events.saleCompleted,
      maxDeliver: FOREVER,
      handler: (event) => model.onSale(event, 'completed'),
    });
    await this.jetstream.consume({
      durable: d.saleRefunded,
      subject: Events.saleRefunded,
      maxDeliver: FOREVER,
      handler: (event) => model.onSale(event, 'refunded'),
    });
    await this.jetstream.consume({
      durable: d.saleUpdated,
      subject: Events.saleUpdated,
      maxDeliver: FOREVER,
      handler: (event) => model.onSale(event, event.status),
    });
  }
}
