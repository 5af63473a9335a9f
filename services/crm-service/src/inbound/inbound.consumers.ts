import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { InboundService } from './inbound.service';

/**
 * Durable consumer names. The convention is `<service>.<purpose>`, but NATS rejects `.` in durable names
 * ("durable name cannot contain '.'"), so the separator is `_`.
 */
export const DURABLES = {
  whatsappInbound: 'crm-service_whatsapp-inbound',
  leadgen: 'crm-service_leadgen',
} as const;

/** Durable JetStream consumers of the Meta-derived events (published by meta-ads-service). */
@Injectable()
export class InboundConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly inbound: InboundService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: DURABLES.whatsappInbound,
      subject: Events.whatsappInbound,
      handler: async (event) => {
        await this.inbound.handleWhatsappInbound(event);
      },
    });
    await this.jetstream.consume({
      durable: DURABLES.leadgen,
      subject: Events.leadgenReceived,
      handler: async (event) => {
        await this.inbound.handleLeadgen(event);
      },
    });
  }
}
