import { OmitType } from '@nestjs/swagger';
import { AgendaRequest, ListClientsRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Set by the gateway from the session, so unknown in a query. */
const FROM_SESSION = ['tenantId', 'actorUserId', 'actorRole'] as const;

/** Query of `GET /crm/clients`. */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  search: { description: 'Part of the client name' },
})
export class ListClientsQuery extends OmitType(ListClientsRequest, FROM_SESSION) {}

/** Query of `GET /crm/agenda`. */
@ApiFromContract({
  from: { example: '2026-11-23T06:00:00Z', description: 'Deadlines at or after this instant' },
  to: {
    example: '2026-11-30T06:00:00Z',
    description: 'Deadlines before this instant (at most 62 days after from)',
  },
})
export class AgendaQuery extends OmitType(AgendaRequest, FROM_SESSION) {}
