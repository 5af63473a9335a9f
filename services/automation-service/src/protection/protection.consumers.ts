import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ProtectionService } from './protection.service';

export const PROTECTION_DURABLES = {
  contactWindow: 'automation-service_contact-window',
  leadOptedOut: 'automation-service_lead-opted-out',
} as const;

/** Durable consumers of recipient protection: customer-service windows and opt-outs. */
@Injectable()
export class ProtectionConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly protection: ProtectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: PROTECTION_DURABLES.contactWindow,
      subject: Events.whatsappInbound,
      handler: (event) => this.protection.onWhatsappInbound(event),
    });
    await this.jetstream.consume({
      durable: PROTECTION_DURABLES.leadOptedOut,
      subject: Events.leadOptedOut,
      handler: async (event) => {
        await this.protection.onLeadOptedOut(event);
      },
    });
  }
}
