import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  type ChatLeadRequest,
  type ChatMessageView,
  type ChatPage,
  type ChatThread,
  type ChatView,
  type ListChatMessagesRequest,
  type ListChatsRequest,
  type SendChatMessageRequest,
  type WhatsappStatusEvent,
} from '@crm/contracts';
import { RpcClient, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { LeadStore } from '../leads/lead-store';
import { visibilityOf } from '../opportunities/visibility';
import {
  callbackDataOf,
  decodeKeyset,
  encodeKeyset,
  isAnotherSendersStatus,
  messageIdOfCallback,
  previewOf,
} from './chat-rules';
import { ConversationStore } from './conversation-store';
import { MessageStore } from './message-store';

const DEFAULT_CHAT_PAGE = 25;
const DEFAULT_MESSAGE_PAGE = 50;
/** meta-ads-service may wait on Meta (its own HTTP timeout) before it answers. */
const SEND_RPC_TIMEOUT_MS = 20_000;

/**
 * The WhatsApp inbox. Visibility is the lead's: setters and closers see the conversations of leads assigned to
 * them (others are NOT_FOUND), ceo and professional see all; a conversation's seller is its lead's.
 */
@Injectable()
export class ChatsService {
  private readonly logger = new Logger('Chats');

  constructor(
    private readonly db: TenantDatabase,
    private readonly rpc: RpcClient,
    private readonly leads: LeadStore,
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
  ) {}

  list(request: ListChatsRequest): Promise<ChatPage> {
    const { tenantId } = request;
    const after = request.cursor ? decodeKeyset(request.cursor, 'cursor') : null;
    return this.db.withTenant(tenantId, (db) =>
      this.conversations.list(db, tenantId, {
        visibleTo: visibilityOf(request),
        filter: request.filter ?? 'all',
        actorUserId: request.actorUserId,
        after,
        pageSize: request.pageSize ?? DEFAULT_CHAT_PAGE,
      }),
    );
  }

  /** A page of the conversation: the latest messages (or those before `before`), oldest → newest. */
  thread(request: ListChatMessagesRequest): Promise<ChatThread> {
    const { tenantId, leadId } = request;
    const before = request.before ? decodeKeyset(request.before, 'before') : null;
    return this.db.withTenant(tenantId, async (db) => {
      const chat = await this.requireChat(db, request);
      const page = await this.messages.listForLead(db, tenantId, leadId, {
        limit: request.pageSize ?? DEFAULT_MESSAGE_PAGE,
        before,
      });
      return {
        chat,
        items: [...page.items].reverse(),
        olderCursor: page.older ? encodeKeyset(page.older) : null,
      };
    });
  }

  markRead(request: ChatLeadRequest): Promise<ChatView> {
    const { tenantId, leadId } = request;
    return this.db.withTenant(tenantId, async (db) => {
      await this.requireChat(db, request);
      await this.conversations.markRead(db, tenantId, leadId);
      return this.requireChat(db, request);
    });
  }

  /**
   * Send a text (only while the window is open) or a template through meta-ads-service. The message is recorded
   * `queued` first, under the client's id: a retried request with the same id answers that message and never
   * sends again. A timeout leaves it `unknown` (it may have gone out); Meta's refusal leaves it `failed`.
   */
  async send(request: SendChatMessageRequest): Promise<ChatMessageView> {
    const { tenantId, leadId } = request;
    const text = request.text?.trim();
    const template = request.template;
    if ((text ? 1 : 0) + (template ? 1 : 0) !== 1) {
      throw new DomainError('VALIDATION', 'send either a non-blank text or a template, not both');
    }
    const id = request.messageId ?? randomUUID();
    const prepared = await this.db.withTenant(tenantId, async (db) => {
      const lead = await this.leads.lock(db, tenantId, leadId, visibilityOf(request) ?? undefined);
      if (!lead) throw new DomainError('NOT_FOUND', `lead ${leadId} not found`);
      if (!lead.phone) {
        throw new DomainError('CONFLICT', 'this lead has no phone number: WhatsApp cannot reach it', {
          reason: 'no_phone',
        });
      }
      const already = await this.messages.findView(db, tenantId, id);
      if (already) {
        if (already.leadId !== leadId || already.direction !== 'out') {
          throw new DomainError('CONFLICT', `messageId ${id} is already used by another message`);
        }
        return { message: already, phone: lead.phone, fresh: false };
      }
      if (text) {
        const chat = await this.conversations.findView(db, tenantId, leadId, null);
        if (!chat?.windowOpen) throw windowClosed();
      } else if (lead.opted_out) {
        throw new DomainError(
          'CONFLICT',
          'this contact opted out of WhatsApp messages; no template can be sent',
        );
      }
      const message = await this.messages.insertOutbound(db, tenantId, {
        id,
        leadId,
        type: text ? 'text' : 'template',
        body: text ?? null,
        templateName: template?.name ?? null,
        templateLanguage: template?.language ?? null,
        templateParams: template?.parameters ?? [],
        sentByUserId: request.actorUserId,
      });
      // Another tenant's message with this id (row-level security hides it) also lands here.
      if (!message) throw new DomainError('CONFLICT', `messageId ${id} is already used by another message`);
      await this.conversations.recordOutbound(
        db,
        tenantId,
        leadId,
        new Date(message.createdAt),
        text ? previewOf(text) : template!.name,
      );
      return { message, phone: lead.phone, fresh: true };
    });
    if (!prepared.fresh) return prepared.message;

    const common = {
      tenantId,
      idempotencyKey: callbackDataOf(id),
      callbackData: callbackDataOf(id),
      to: prepared.phone,
    };
    try {
      const { wamid } = text
        ? await this.rpc.call(Rpc.meta.sendText, { ...common, text }, SEND_RPC_TIMEOUT_MS)
        : await this.rpc.call(
            Rpc.meta.sendTemplate,
            {
              ...common,
              templateName: template!.name,
              language: template!.language,
              bodyParameters: template!.parameters,
            },
            SEND_RPC_TIMEOUT_MS,
          );
      await this.db.withTenant(tenantId, (db) => this.messages.setWamid(db, tenantId, id, wamid));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.recordFailure(tenantId, id, error);
      if (error.details?.reason === 'WINDOW_CLOSED') throw windowClosed();
      throw error;
    }
    return this.db.withTenant(tenantId, async (db) => (await this.messages.findView(db, tenantId, id))!);
  }

  /**
   * A status webhook for one of our messages (found by wamid, or by our callback data before the wamid is stored).
   * Statuses of messages we did not send (e.g. the HSM automation's) change nothing.
   */
  async applyStatus(event: WhatsappStatusEvent): Promise<boolean> {
    // Three statuses per automated message: without a transaction each.
    if (isAnotherSendersStatus(event.callbackData)) return false;
    const { tenantId } = event;
    const error = event.errors?.[0];
    return this.db.withTenant(tenantId, (db) =>
      this.messages.applyStatus(db, tenantId, {
        wamid: event.wamid,
        messageId: messageIdOfCallback(event.callbackData),
        status: event.status,
        errorCode: error?.code ?? null,
        errorTitle: error ? error.title : null,
      }),
    );
  }

  /** A send that ended without a wamid. */
  private async recordFailure(tenantId: string, id: string, error: DomainError): Promise<void> {
    // No answer in time, or Meta's own timeout: the message may have gone out, so it is `unknown`, never re-sent.
    const unknown =
      (error.code === 'UPSTREAM_TIMEOUT' && !/no service is answering/.test(error.message)) ||
      (error.code === 'META_UNAVAILABLE' && error.details?.outcomeUnknown === true) ||
      (error.code === 'CONFLICT' && /outcome is unknown/.test(error.message));
    const metaCode = typeof error.details?.metaCode === 'number' ? error.details.metaCode : null;
    try {
      await this.db.withTenant(tenantId, (db) =>
        this.messages.setOutcome(
          db,
          tenantId,
          id,
          unknown ? 'unknown' : 'failed',
          unknown ? null : { code: metaCode, title: error.message.slice(0, 500) },
        ),
      );
    } catch (storeError) {
      this.logger.error(
        `tenant ${tenantId}: could not record the outcome of message ${id}: ${String(storeError)}`,
      );
    }
  }

  private async requireChat(db: EntityManager, request: ChatLeadRequest): Promise<ChatView> {
    const chat = await this.conversations.findView(
      db,
      request.tenantId,
      request.leadId,
      visibilityOf(request),
    );
    if (!chat) throw new DomainError('NOT_FOUND', `lead ${request.leadId} not found`);
    return chat;
  }
}

function windowClosed(): DomainError {
  return new DomainError(
    'CONFLICT',
    'the 24-hour customer-service window is closed: the contact has not written recently, so only a template can be sent',
    { reason: 'WINDOW_CLOSED' },
  );
}
