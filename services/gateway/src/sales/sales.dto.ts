import { OmitType } from '@nestjs/swagger';
import { CreateSaleRequest, ListSalesRequest, UpdateSaleRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

const FROM_SESSION = ['tenantId', 'actorUserId', 'actorRole'] as const;

/** Query of `GET /crm/sales`. */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  completedFrom: { description: 'Completed at or after this instant' },
  completedTo: { description: 'Completed before this instant' },
})
export class ListSalesQuery extends OmitType(ListSalesRequest, FROM_SESSION) {}

/** Body of `POST /crm/sales`. */
@ApiFromContract({
  amount: { example: 2450000 },
  currency: { example: 'MXN', description: 'ISO 4217' },
  completedAt: { description: 'Defaults to now; not in the future' },
})
export class CreateSaleBody extends OmitType(CreateSaleRequest, FROM_SESSION) {}

/** Body of `PATCH /crm/sales/:id`. */
@ApiFromContract({ status: { description: 'refunded takes the sale out of revenue; final' } })
export class UpdateSaleBody extends OmitType(UpdateSaleRequest, [...FROM_SESSION, 'saleId'] as const) {}
