import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { LeadAssignment } from './lead-assignment';
import { LeadsController } from './leads.controller';
import { LeadsService } from './leads.service';

@Module({
  imports: [OutboxModule],
  controllers: [LeadsController],
  providers: [LeadsService, LeadAssignment],
  exports: [LeadAssignment],
})
export class LeadsModule {}
