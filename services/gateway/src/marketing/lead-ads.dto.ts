import { OmitType } from '@nestjs/swagger';
import {
  CreateLeadgenBackfillRequest,
  ListLeadFormsRequest,
  SelectPagesRequest,
  UpdateLeadFormMappingRequest,
} from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `PUT /crm/marketing/lead-ads/pages`. */
@ApiFromContract({
  pageIds: {
    example: ['102938475610293'],
    description: 'Every Facebook Page whose Lead Ads leads come here',
  },
})
export class SelectPagesBody extends OmitType(SelectPagesRequest, ['tenantId'] as const) {}

/** Query of `GET /crm/marketing/lead-ads/forms`. */
@ApiFromContract({ refresh: { description: 'Sync the forms of the chosen Pages from Meta first' } })
export class LeadFormsQuery extends OmitType(ListLeadFormsRequest, ['tenantId'] as const) {}

/** Body of `PUT /crm/marketing/lead-ads/forms/:formId/mapping`. */
@ApiFromContract({
  mapping: {
    example: { presupuesto_de_compra: 'tag', city: 'notes' },
    description:
      'Question key → full_name | first_name | last_name | email | phone | city | notes | tag | ignore ({} = defaults)',
  },
})
export class LeadFormMappingBody extends OmitType(UpdateLeadFormMappingRequest, [
  'tenantId',
  'formId',
] as const) {}

/** Body of `POST /crm/marketing/lead-ads/backfills`. */
@ApiFromContract({
  formId: { description: 'A synced Lead Ads form of one of the chosen Pages' },
  since: { example: '2026-03-01T00:00:00Z', description: 'Leads created from this instant…' },
  until: { example: '2026-03-03T00:00:00Z', description: '…until this one (excluded; not in the future)' },
})
export class LeadgenBackfillBody extends OmitType(CreateLeadgenBackfillRequest, [
  'tenantId',
  'requestedBy',
] as const) {}
