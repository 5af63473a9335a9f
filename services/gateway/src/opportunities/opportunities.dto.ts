import { OmitType } from '@nestjs/swagger';
import {
  CreateOpportunityRequest,
  ListOpportunitiesRequest,
  OpportunityBoardRequest,
  UpdateOpportunityRequest,
} from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Set by the gateway from the session (or the path), so unknown in a body or query. */
const FROM_SESSION = ['tenantId', 'actorUserId', 'actorRole'] as const;

/** Query of `GET /crm/opportunities`. */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  deadlineFrom: { description: 'Deadline at or after this instant' },
  deadlineTo: { description: 'Deadline before this instant' },
})
export class ListOpportunitiesQuery extends OmitType(ListOpportunitiesRequest, FROM_SESSION) {}

/** Query of `GET /crm/opportunities/board`. */
@ApiFromContract({ perStatus: { default: 20, description: 'Cards per status column' } })
export class OpportunityBoardQuery extends OmitType(OpportunityBoardRequest, FROM_SESSION) {}

/** Body of `POST /crm/opportunities`. */
@ApiFromContract({
  title: { example: 'Departamento en Polanco' },
  value: { example: 2500000 },
  currency: { example: 'MXN', description: 'ISO 4217' },
  deadline: { example: '2026-12-31T18:00:00Z' },
  ownerId: { description: 'Defaults to the caller; setter and closer may only name themselves' },
})
export class CreateOpportunityBody extends OmitType(CreateOpportunityRequest, FROM_SESSION) {}

/** Body of `PATCH /crm/opportunities/:id`. */
@ApiFromContract({
  deadline: { description: 'null clears it' },
  lostReason: { description: 'Required when status becomes lost' },
})
export class UpdateOpportunityBody extends OmitType(UpdateOpportunityRequest, [
  ...FROM_SESSION,
  'opportunityId',
] as const) {}
