import { OmitType, PickType } from '@nestjs/swagger';
import { CreateLeadRequest, ListLeadsRequest, UpdateLeadStatusRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Query of `GET /crm/leads` (unknown query parameters are dropped). */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  search: { description: 'Name, phone or email contains' },
})
export class ListLeadsQuery extends OmitType(ListLeadsRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/leads`. */
@ApiFromContract({
  name: { example: 'María López' },
  phone: { example: '+5215512345678', description: 'E.164' },
  email: { example: 'maria@example.com' },
})
export class CreateLeadBody extends OmitType(CreateLeadRequest, ['tenantId', 'assignedUserId'] as const) {}

/** Body of `PATCH /crm/leads/:id/status`. */
@ApiFromContract()
export class UpdateLeadStatusBody extends PickType(UpdateLeadStatusRequest, ['status'] as const) {}
