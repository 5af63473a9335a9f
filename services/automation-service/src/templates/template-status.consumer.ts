import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { TemplatePausesService } from './template-pauses.service';

export const TEMPLATE_STATUS_DURABLE = 'automation-service_template-status';

/** Durable consumer of `evt.meta.template.status` (idempotent: ordered by Meta's time per template). */
@Injectable()
export class TemplateStatusConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamService,
    private readonly pauses: TemplatePausesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: TEMPLATE_STATUS_DURABLE,
      subject: Events.templateStatusChanged,
      handler: async (event) => {
        await this.pauses.onTemplateStatusChanged(event);
      },
    });
  }
}
