import { OmitType } from '@nestjs/swagger';
import { FunnelsRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Query of `GET /crm/marketing/automation/metrics/funnels` (the timezone is the tenant's, not the caller's). */
@ApiFromContract({
  from: { example: '2026-03-01T00:00:00.000Z' },
  conversionDays: {
    default: 7,
    description: 'An opportunity or sale within this many days counts as converted',
  },
})
export class FunnelsQuery extends OmitType(FunnelsRequest, ['tenantId', 'timezone'] as const) {}
