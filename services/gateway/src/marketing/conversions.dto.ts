import { OmitType } from '@nestjs/swagger';
import { ConversionLogRequest, UpdateConversionSettingsRequest } from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `PUT /crm/marketing/conversions/settings` (every field optional: only those given change). */
@ApiFromContract({
  enabled: { description: 'Send server events to Meta (needs a dataset)' },
  datasetId: { example: '1200000000000501', description: 'Meta dataset (pixel) id; null clears it' },
  qualifiedEvent: { description: 'Event of a lead reaching qualified: Lead, QualifiedLead or null (none)' },
  opportunityEvent: { description: 'Event of an opportunity created: Lead, QualifiedLead or null (none)' },
  wonEvent: { description: 'Event of a sale: Purchase (with its value and currency) or null (none)' },
})
export class UpdateConversionSettingsBody extends OmitType(UpdateConversionSettingsRequest, [
  'tenantId',
] as const) {}

/** Query of `GET /crm/marketing/conversions/log`. */
@ApiFromContract({ page: { default: 1 }, pageSize: { default: 25 } })
export class ConversionLogQuery extends OmitType(ConversionLogRequest, ['tenantId'] as const) {}
