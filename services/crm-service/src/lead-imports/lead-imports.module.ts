import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module';
import { OutboxModule } from '../outbox/outbox.module';
import { LeadImportBatch } from './lead-import-batch';
import { LeadImportStore } from './lead-import-store';
import { LeadImportWorker } from './lead-import-worker';
import { LeadImportsController } from './lead-imports.controller';
import { LeadImportsService } from './lead-imports.service';

/** CSV import of leads: upload in parts, mapping, a durable job in batches, the rejected rows. */
@Module({
  imports: [OutboxModule, LeadsModule],
  controllers: [LeadImportsController],
  providers: [LeadImportStore, LeadImportBatch, LeadImportWorker, LeadImportsService],
})
export class LeadImportsModule {}
