import { OmitType } from '@nestjs/swagger';
import {
  FxRateInput,
  ListAdAccountsRequest,
  ListFxRatesRequest,
  ReportRequest,
  SelectAssetsRequest,
} from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Query of `GET /crm/marketing/meta-accounts` and `/meta-phone-numbers`. */
@ApiFromContract({ businessId: { example: '1200000000000101', description: 'Meta business portfolio id' } })
export class BusinessQuery extends OmitType(ListAdAccountsRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/marketing/connect`. */
@ApiFromContract({
  businessId: { description: 'Meta business portfolio id' },
  adAccountId: { example: 'act_1234567890' },
  wabaId: { description: 'WhatsApp Business Account id' },
  phoneNumberId: { description: 'WhatsApp phone number id' },
})
export class ConnectBody extends OmitType(SelectAssetsRequest, ['tenantId'] as const) {}

/** Query of `GET /crm/marketing/report`, `/stats` and `/stats/roi`. */
@ApiFromContract({
  since: { example: '2026-01-01', description: 'With `custom`: first day (ad account timezone)' },
  until: { example: '2026-01-31', description: 'With `custom`: last day, inclusive' },
  view: { example: 'period', description: '`period` (default) or `cohort`' },
})
export class StatsQuery extends OmitType(ReportRequest, ['tenantId'] as const) {}

/** Query of `GET /crm/marketing/fx-rates`. */
@ApiFromContract({ from: { example: 'USD' }, to: { example: 'MXN' } })
export class FxRatesQuery extends OmitType(ListFxRatesRequest, ['tenantId'] as const) {}

/** Body of `PUT /crm/marketing/fx-rates`: 1 `from` = `rate` `to` from `day` on. */
@ApiFromContract({
  day: { example: '2026-01-01', description: 'The rate holds from this day until the next rate of the pair' },
  from: { example: 'USD' },
  to: { example: 'MXN' },
  rate: { example: 17.25 },
})
export class FxRateBody extends FxRateInput {}
