import { Module } from '@nestjs/common';
import { Lead360Service } from './lead-360.service';
import { LeadsController } from './leads.controller';

@Module({ controllers: [LeadsController], providers: [Lead360Service] })
export class LeadsModule {}
