import { OmitType } from '@nestjs/swagger';
import {
  AutomationMetricsRequest,
  CreateRuleRequest,
  ListLogsRequest,
  ListTemplatesRequest,
  PreviewRequest,
  TriggerRequest,
  UpdateRuleRequest,
} from '@crm/contracts';
import { ApiFromContract } from '../http/api-from-contract';

/** Body of `PATCH /crm/marketing/automation/rules/:key` (every field optional; the key is in the path). */
@ApiFromContract({
  delaySeconds: { example: 3600 },
  templateName: { example: 'seguimiento_lead' },
  templateLanguage: { example: 'es_MX' },
  variableMapping: {
    description: 'Source of each body {{n}}, in order (same as mapping.body; kept for compatibility)',
  },
})
export class UpdateRuleBody extends OmitType(UpdateRuleRequest, ['tenantId', 'key'] as const) {}

/** Query of `GET /crm/marketing/automation/templates`. */
@ApiFromContract({ refresh: { description: 'Pull the templates from Meta now instead of the last sync' } })
export class TemplatesQuery extends OmitType(ListTemplatesRequest, ['tenantId'] as const) {}

/** Query of `GET /crm/marketing/automation-logs` (the day is read in the tenant's timezone, not the caller's). */
@ApiFromContract({
  page: { default: 1 },
  pageSize: { default: 25 },
  day: {
    example: '2026-03-02',
    description: 'Only the sends of this day (sent, else due) in the tenant timezone',
  },
})
export class ListLogsQuery extends OmitType(ListLogsRequest, ['tenantId', 'timezone'] as const) {}

/** Body of `POST /crm/marketing/automation/trigger`. */
@ApiFromContract()
export class TriggerBody extends OmitType(TriggerRequest, ['tenantId'] as const) {}

/** Query of `GET /crm/marketing/automation/metrics`. */
@ApiFromContract()
export class MetricsQuery extends OmitType(AutomationMetricsRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/marketing/automation/rules`: a user rule (its key `r_<12 hex>` is made by the server). */
@ApiFromContract({
  name: { example: 'Bienvenida a calificados' },
  delaySeconds: { example: 3600 },
  templateName: { example: 'seguimiento_lead' },
})
export class CreateRuleBody extends OmitType(CreateRuleRequest, ['tenantId'] as const) {}

/** Body of `POST /crm/marketing/automation/rules/:key/preview` (the key is in the path). */
@ApiFromContract()
export class PreviewBody extends OmitType(PreviewRequest, ['tenantId', 'ruleKey'] as const) {}
