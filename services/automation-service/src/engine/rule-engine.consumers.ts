import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { RuleEngine } from './rule-engine';

/**
 * Durable consumers of the rule engine (`<service>_<purpose>`: JetStream forbids `.` in durable names). Each
 * handler is idempotent: scheduling is `INSERT … ON CONFLICT (tenant_id, occurrence_key) DO NOTHING`, cancelling
 * only moves `scheduled` rows. A message that fails for good is parked in `automation.dead_letters`.
 * `lead.created` keeps the durable it always had, so no delivery is lost or repeated across the upgrade.
 */
export const ENGINE_DURABLES = {
  leadCreated: 'automation-service_lead-created',
  leadStatusChanged: 'automation-service_rules-lead-status-changed',
  leadAssigned: 'automation-service_rules-lead-assigned',
  opportunityCreated: 'automation-service_rules-opportunity-created',
  opportunityUpdated: 'automation-service_rules-opportunity-updated',
  opportunityWon: 'automation-service_rules-opportunity-won',
  opportunityLost: 'automation-service_rules-opportunity-lost',
  saleCompleted: 'automation-service_rules-sale-completed',
  saleRefunded: 'automation-service_rules-sale-refunded',
  noReplyStatus: 'automation-service_rules-no-reply-status',
  noReplyInbound: 'automation-service_rules-no-reply-inbound',
} as const;

@Injectable()
export class RuleEngineConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly engine: RuleEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const d = ENGINE_DURABLES;
    await this.jetstream.consume({
      durable: d.leadCreated,
      subject: Events.leadCreated,
      handler: (event) => this.engine.onLeadCreated(event),
    });
    await this.jetstream.consume({
      durable: d.leadStatusChanged,
      subject: Events.leadStatusChanged,
      handler: (event) => this.engine.onLeadStatusChanged(event),
    });
    await this.jetstream.consume({
      durable: d.leadAssigned,
      subject: Events.leadAssigned,
      handler: (event) => this.engine.onLeadAssigned(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityCreated,
      subject: Events.opportunityCreated,
      handler: (event) => this.engine.onOpportunityCreated(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityUpdated,
      subject: Events.opportunityUpdated,
      handler: (event) => this.engine.onOpportunityUpdated(event),
    });
    await this.jetstream.consume({
      durable: d.opportunityWon,
      subject: Events.opportunityWon,
      handler: (event) => this.engine.onOpportunityClosed(event, true),
    });
    await this.jetstream.consume({
      durable: d.opportunityLost,
      subject: Events.opportunityLost,
      handler: (event) => this.engine.onOpportunityClosed(event, false),
    });
    await this.jetstream.consume({
      durable: d.saleCompleted,
      subject: Events.saleCompleted,
      handler: (event) => this.engine.onSaleCompleted(event),
    });
    await this.jetstream.consume({
      durable: d.saleRefunded,
      subject: Events.saleRefunded,
      handler: (event) => this.engine.onSaleRefunded(event),
    });
    await this.jetstream.consume({
      durable: d.noReplyStatus,
      subject: Events.whatsappStatus,
      handler: (event) => this.engine.onWhatsappStatus(event),
    });
    await this.jetstream.consume({
      durable: d.noReplyInbound,
      subject: Events.whatsappInbound,
      handler: (event) => this.engine.onWhatsappInbound(event),
    });
  }
}
