import { Module } from '@nestjs/common';
import { OutboxService, outboxProvider } from '@crm/nest-common';
import { CRM_SCHEMA } from '../database/data-source';

/** `crm.outbox` through the shared outbox of nest-common (its relay is a DurableWorker). */
@Module({
  providers: [outboxProvider({ schema: CRM_SCHEMA, name: 'crm-service.outbox' })],
  exports: [OutboxService],
})
export class OutboxModule {}
