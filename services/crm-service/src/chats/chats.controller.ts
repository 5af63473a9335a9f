import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ChatLeadRequest,
  ListChatMessagesRequest,
  ListChatsRequest,
  Rpc,
  SendChatMessageRequest,
  type RpcReply,
} from '@crm/contracts';
import { ChatsService } from './chats.service';

@Controller()
export class ChatsController {
  constructor(private readonly chats: ChatsService) {}

  @MessagePattern(Rpc.crm.listChats)
  list(@Payload() request: ListChatsRequest): Promise<RpcReply<typeof Rpc.crm.listChats>> {
    return this.chats.list(request);
  }

  @MessagePattern(Rpc.crm.listChatMessages)
  thread(@Payload() request: ListChatMessagesRequest): Promise<RpcReply<typeof Rpc.crm.listChatMessages>> {
    return this.chats.thread(request);
  }

  @MessagePattern(Rpc.crm.markChatRead)
  markRead(@Payload() request: ChatLeadRequest): Promise<RpcReply<typeof Rpc.crm.markChatRead>> {
    return this.chats.markRead(request);
  }

  @MessagePattern(Rpc.crm.sendChatMessage)
  send(@Payload() request: SendChatMessageRequest): Promise<RpcReply<typeof Rpc.crm.sendChatMessage>> {
    return this.chats.send(request);
  }
}
