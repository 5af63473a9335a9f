import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { STATUS_BATCH, SendsService } from './sends.service';

/**
 * Durable consumer names. JetStream forbids `.` in durable names, so the conventional
 * `<service>.<purpose>` is spelled `<service>_<purpose>` (as crm-service does).
 */
export const DURABLES = {
  /** Consumed by the rule engine (src/engine/rule-engine.consumers.ts). */
  leadCreated: 'automation-service_lead-created',
  whatsappStatus: 'automation-service_whatsapp-status',
  whatsappInbound: 'automation-service_whatsapp-inbound',
} as const;

/** Durable JetStream consumers; every handler is idempotent (unique constraints, monotonic statuses). */
@Injectable()
export class SendsConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly sends: SendsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: DURABLES.whatsappStatus,
      subject: Events.whatsappStatus,
      // Several in flight, so that they are applied in batches (SendsService); they are handed over in stream
      // order, and each batch is applied in that order.
      concurrency: STATUS_BATCH,
      handler: (event) => this.sends.onWhatsappStatus(event),
    });
    await this.jetstream.consume({
      durable: DURABLES.whatsappInbound,
      subject: Events.whatsappInbound,
      handler: (event) => this.sends.onWhatsappInbound(event),
    });
  }
}
