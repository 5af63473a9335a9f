import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  MAX_DELAY_SECONDS,
  RULE_KEYS,
  SEND_STATUSES,
  VARIABLE_SOURCES,
  type AutomationMetricsRequest,
  type ListLogsRequest,
  type ListTemplatesRequest,
  type RuleKey,
  type SendStatus,
  type TriggerRequest,
  type UpdateRuleRequest,
  type VariableSource,
} from '@crm/contracts';
import { PageQueryDto } from '../http/page-query.dto';

/** Body of `PATCH /crm/marketing/automation/rules/:key` (every field optional). */
export class UpdateRuleBody implements Omit<UpdateRuleRequest, 'tenantId' | 'key'> {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DELAY_SECONDS, example: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DELAY_SECONDS)
  delaySeconds?: number;

  @ApiPropertyOptional({ example: 'seguimiento_lead' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'templateName must be lowercase letters, digits and _' })
  templateName?: string;

  @ApiPropertyOptional({ example: 'es_MX' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'templateLanguage must look like es or es_MX' })
  templateLanguage?: string;

  @ApiPropertyOptional({
    enum: VARIABLE_SOURCES,
    isArray: true,
    description: 'Source of each {{n}}, in order',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(VARIABLE_SOURCES, { each: true })
  variableMapping?: VariableSource[];
}

/** Query of `GET /crm/marketing/automation/templates`. */
export class TemplatesQuery implements Omit<ListTemplatesRequest, 'tenantId'> {
  @ApiPropertyOptional({ description: 'Pull the templates from Meta now instead of the last sync' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'refresh must be true or false' })
  refresh?: boolean;
}

/** Query of `GET /crm/marketing/automation-logs`. */
export class ListLogsQuery extends PageQueryDto implements Omit<ListLogsRequest, 'tenantId'> {
  @ApiPropertyOptional({ enum: SEND_STATUSES })
  @IsOptional()
  @IsIn(SEND_STATUSES)
  status?: SendStatus;

  @ApiPropertyOptional({ enum: RULE_KEYS })
  @IsOptional()
  @IsIn(RULE_KEYS)
  ruleKey?: RuleKey;
}

/** Body of `POST /crm/marketing/automation/trigger`. */
export class TriggerBody implements Omit<TriggerRequest, 'tenantId'> {
  @ApiProperty({ enum: RULE_KEYS })
  @IsIn(RULE_KEYS)
  ruleKey!: RuleKey;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  leadId!: string;
}

export class MetricsQuery implements Omit<AutomationMetricsRequest, 'tenantId'> {
  @ApiPropertyOptional({ enum: RULE_KEYS })
  @IsOptional()
  @IsIn(RULE_KEYS)
  ruleKey?: RuleKey;
}
