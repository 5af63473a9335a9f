import { OmitType, PickType } from '@nestjs/swagger';
import {
  CreateLeadRequest,
  LeadTimelineRequest,
  ListLeadsRequest,
  StartLeadImportRequest,
  UpdateLeadRequest,
  UpdateLeadStatusRequest,
} from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Query of `GET /crm/leads` (unknown query parameters are dropped). */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  search: { description: 'Name, phone or email contains' },
  sort: { default: 'newest' },
  cursor: { description: 'nextCursor of the previous page (keyset paging); not with page' },
  assignedUserId: { description: 'Leads of this seller' },
  tag: { description: 'Leads carrying this tag' },
})
export class ListLeadsQuery extends OmitType(ListLeadsRequest, ['tenantId', 'viewer'] as const) {}

/** Body of `POST /crm/leads`. */
@ApiFromContract({
  name: { example: 'María López' },
  phone: { example: '+5215512345678', description: 'E.164' },
  email: { example: 'maria@example.com' },
})
export class CreateLeadBody extends OmitType(CreateLeadRequest, [
  'tenantId',
  'assignedUserId',
  'actorUserId',
] as const) {}

/** Body of `PATCH /crm/leads/:id/status`. */
@ApiFromContract()
export class UpdateLeadStatusBody extends PickType(UpdateLeadStatusRequest, ['status'] as const) {}

/** Body of `PATCH /crm/leads/:id`: any subset of the fields; `null` clears email, assignee or notes. */
@ApiFromContract({
  phone: { example: '+52 55 1234 5678', description: 'Any common writing; stored in E.164' },
  tags: { example: ['vip', 'inversionista'] },
})
export class UpdateLeadBody extends OmitType(UpdateLeadRequest, ['tenantId', 'leadId', 'viewer'] as const) {}

/** Query of `GET /crm/leads/:id/timeline`. */
@ApiFromContract({
  cursor: { description: 'nextCursor of the previous page (older entries)' },
  limit: { default: 30 },
})
export class LeadTimelineQuery extends PickType(LeadTimelineRequest, ['cursor', 'limit'] as const) {}
/** Body of `POST /crm/leads/imports/:id/start`: the 0-based column of each field (name and phone required). */
@ApiFromContract({ mapping: { example: { name: 0, phone: 1, email: 2 } } })
export class StartLeadImportBody extends PickType(StartLeadImportRequest, ['mapping'] as const) {}
