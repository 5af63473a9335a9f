import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events, type EventPayload, type EventSubject } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ReadModelService } from './read-model.service';

/** `maxDeliver` 0: transient failures are retried forever (with the service's capped backoff). */
const FOREVER = 0;

export const readModelDurable = (name: string): string => `marketing-service_read-model-${name}`;

/** One durable consumer of the read model: the subject it follows and how its event changes the read model. */
type ReadModelHandler = {
  durable: string;
  follow: (jetstream: JetStreamService, model: ReadModelService) => Promise<void>;
};

function on<S extends EventSubject>(
  name: string,
  subject: S,
  apply: (model: ReadModelService, event: EventPayload<S>) => Promise<void>,
): ReadModelHandler {
  const durable = readModelDurable(name);
  return {
    durable,
    follow: (jetstream, model) =>
      jetstream.consume({ durable, subject, maxDeliver: FOREVER, handler: (event) => apply(model, event) }),
  };
}

/** Every event the read model follows, one durable consumer each (a consumer follows one subject). */
export const READ_MODEL_HANDLERS: readonly ReadModelHandler[] = [
  on('lead-created', Events.leadCreated, (model, event) => model.onLeadCreated(event)),
  on('lead-attributed', Events.leadAttributed, (model, event) => model.onLeadAttributed(event)),
  on('opportunity-created', Events.opportunityCreated, (model, event) => model.onOpportunity(event)),
  on('opportunity-updated', Events.opportunityUpdated, (model, event) => model.onOpportunity(event)),
  on('opportunity-won', Events.opportunityWon, (model, event) => model.onOpportunity(event)),
  on('opportunity-lost', Events.opportunityLost, (model, event) => model.onOpportunity(event)),
  on('sale-completed', Events.saleCompleted, (model, event) => model.onSale(event, 'completed')),
  on('sale-refunded', Events.saleRefunded, (model, event) => model.onSale(event, 'refunded')),
  on('sale-updated', Events.saleUpdated, (model, event) => model.onSale(event, event.status)),
];

/**
 * Durable consumers of the read model (`<service>_<purpose>`). Every handler is idempotent and order-independent
 * (versioned state, see ReadModelService). A transient failure (database, a rebuild holding the tenant) is retried
 * without limit — a read model must not skip an event; a permanent one (invalid payload) is parked in
 * `marketing.dead_letters`.
 */
@Injectable()
export class ReadModelConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly readModel: ReadModelService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const handler of READ_MODEL_HANDLERS) await handler.follow(this.jetstream, this.readModel);
  }
}
