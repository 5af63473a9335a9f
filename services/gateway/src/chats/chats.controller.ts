import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  MODULE_ROLES,
  Rpc,
  type ChatMessageView,
  type ChatPage,
  type ChatThread,
  type ChatView,
  type TemplateView,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { actorOf } from '../auth/actor';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';
import { ValidBody } from '../http/validated-body';
import { ListChatMessagesQuery, ListChatsQuery, SendChatMessageBody } from './chats.dto';

const uuid = new ParseUUIDPipe();
/** crm-service waits up to 20 s on meta-ads-service, which waits on Meta. */
const SEND_TIMEOUT_MS = 25_000;

@ApiTags('chats')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm/chats')
export class ChatsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'WhatsApp conversations, latest message first (setter/closer: their leads)' })
  @ApiOkResponse({ description: 'ChatPage' })
  list(@Session() session: SessionContext, @Query() query: ListChatsQuery): Promise<ChatPage> {
    return this.rpc.call(Rpc.crm.listChats, {
      filter: query.filter,
      cursor: query.cursor,
      pageSize: query.pageSize,
      ...actorOf(session),
    });
  }

  @Get('templates')
  @ApiOperation({ summary: 'Approved WhatsApp templates, for replying outside the 24-hour window' })
  @ApiOkResponse({ description: 'TemplateView[]' })
  async templates(@Session() session: SessionContext): Promise<TemplateView[]> {
    const templates = await this.rpc.call(
      Rpc.meta.listTemplates,
      { tenantId: session.tenantId },
      META_BACKED_RPC_TIMEOUT_MS,
    );
    return templates.filter((template) => template.status === 'APPROVED');
  }

  @Get(':leadId/messages')
  @ApiOperation({
    summary: "A lead's conversation, oldest → newest (the latest page unless before is given)",
  })
  @ApiOkResponse({ description: 'ChatThread' })
  messages(
    @Session() session: SessionContext,
    @Param('leadId', uuid) leadId: string,
    @Query() query: ListChatMessagesQuery,
  ): Promise<ChatThread> {
    return this.rpc.call(Rpc.crm.listChatMessages, {
      leadId,
      before: query.before,
      pageSize: query.pageSize,
      ...actorOf(session),
    });
  }

  @Post(':leadId/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the conversation read (no unread messages left)' })
  @ApiOkResponse({ description: 'ChatView' })
  read(@Session() session: SessionContext, @Param('leadId', uuid) leadId: string): Promise<ChatView> {
    return this.rpc.call(Rpc.crm.markChatRead, { leadId, ...actorOf(session) });
  }

  @Post(':leadId/messages')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Send a WhatsApp message: text only inside the customer-service window (else 409), a template any time',
  })
  @ApiBody({ type: SendChatMessageBody })
  @ApiCreatedResponse({ description: 'ChatMessageView' })
  send(
    @Session() session: SessionContext,
    @Param('leadId', uuid) leadId: string,
    @ValidBody(SendChatMessageBody) body: SendChatMessageBody,
  ): Promise<ChatMessageView> {
    return this.rpc.call(
      Rpc.crm.sendChatMessage,
      {
        messageId: body.messageId,
        text: body.text,
        template: body.template,
        leadId,
        ...actorOf(session),
      },
      SEND_TIMEOUT_MS,
    );
  }
}
