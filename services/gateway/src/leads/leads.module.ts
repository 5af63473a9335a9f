import { Module } from '@nestjs/common';
import { Lead360Service } from './lead-360.service';
import { LeadImportsController } from './lead-imports.controller';
import { LeadsController } from './leads.controller';

// The imports' routes first: `GET /crm/leads/imports` must not reach `GET /crm/leads/:id`.
@Module({ controllers: [LeadImportsController, LeadsController], providers: [Lead360Service] })
export class LeadsModule {}
