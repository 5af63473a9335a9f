import { Module } from '@nestjs/common';
import { Lead360Controller } from './lead-360.controller';
import { LeadTimelineService } from './lead-timeline.service';

/** The lead 360's timeline (history of crm.lead_activity; chat messages become one more source). */
@Module({ controllers: [Lead360Controller], providers: [LeadTimelineService] })
export class Lead360Module {}
