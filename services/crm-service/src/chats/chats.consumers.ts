import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ChatsService } from './chats.service';

/** Durable consumer name (see `DURABLES` in inbound.consumers.ts for the `_` separator). */
export const CHAT_STATUS_DURABLE = 'crm-service_whatsapp-status';

/** Meta's status webhooks (via meta-ads-service) move our outbound chat messages forward. */
@Injectable()
export class ChatsConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly chats: ChatsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: CHAT_STATUS_DURABLE,
      subject: Events.whatsappStatus,
      handler: async (event) => {
        await this.chats.applyStatus(event);
      },
    });
  }
}
