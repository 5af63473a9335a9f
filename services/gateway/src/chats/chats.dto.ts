import { OmitType } from '@nestjs/swagger';
import { ListChatMessagesRequest, ListChatsRequest, SendChatMessageRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Set by the gateway from the session (and the path), so unknown in a query or body. */
const FROM_SESSION = ['tenantId', 'actorUserId', 'actorRole'] as const;

/** Query of `GET /crm/chats`. */
@ApiFromContract({
  filter: { default: 'all', description: 'mine: my leads; unassigned: leads without a seller; all' },
  cursor: { description: 'nextCursor of the previous page' },
  pageSize: { default: 25 },
})
export class ListChatsQuery extends OmitType(ListChatsRequest, FROM_SESSION) {}

/** Query of `GET /crm/chats/:leadId/messages`. */
@ApiFromContract({
  before: { description: 'olderCursor of the previous answer: the messages before it' },
  pageSize: { default: 50 },
})
export class ListChatMessagesQuery extends OmitType(ListChatMessagesRequest, [
  ...FROM_SESSION,
  'leadId',
] as const) {}

/** Body of `POST /crm/chats/:leadId/messages`: `text` or `template`. */
@ApiFromContract({
  messageId: {
    description: 'Chosen by the client (UUID): a retried request with the same id never sends twice',
  },
  text: { example: 'Hola María, ¿te queda bien una llamada mañana a las 10?' },
  template: {
    example: {
      name: 'seguimiento_lead',
      language: 'es_MX',
      parameters: ['María', 'Ana', 'Inmobiliaria Sol'],
    },
    description:
      'An approved template with its body parameters, in order (any time, also outside the window)',
  },
})
export class SendChatMessageBody extends OmitType(SendChatMessageRequest, [
  ...FROM_SESSION,
  'leadId',
] as const) {}
