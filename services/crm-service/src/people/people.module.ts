import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

/** Sign-up, tenant settings, users and the sellers overview (the stores come from StoresModule). */
@Module({ controllers: [PeopleController], providers: [PeopleService] })
export class PeopleModule {}
