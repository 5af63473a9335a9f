import { Module } from '@nestjs/common';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Server-side sessions (the store comes from StoresModule: people revokes sessions too). */
@Module({ controllers: [SessionsController], providers: [SessionsService] })
export class SessionsModule {}
