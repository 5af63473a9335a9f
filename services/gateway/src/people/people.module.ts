import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';

/** Tenant settings, users and the sellers overview (`UserAccessCache` comes from AuthModule). */
@Module({ controllers: [PeopleController] })
export class PeopleModule {}
