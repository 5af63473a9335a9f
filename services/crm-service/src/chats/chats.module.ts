import { Module } from '@nestjs/common';
import { ChatsConsumers } from './chats.consumers';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

@Module({ controllers: [ChatsController], providers: [ChatsService, ChatsConsumers] })
export class ChatsModule {}
