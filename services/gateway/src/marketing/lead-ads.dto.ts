import { OmitType } from '@nestjs/swagger';
import { SelectPagesRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `PUT /crm/marketing/lead-ads/pages`. */
@ApiFromContract({
  pageIds: {
    example: ['102938475610293'],
    description: 'Every Facebook Page whose Lead Ads leads come here',
  },
})
export class SelectPagesBody extends OmitType(SelectPagesRequest, ['tenantId'] as const) {}
