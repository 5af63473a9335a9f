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
import { PageQuery, TenantRequest } from './common';
import {
  MAX_DELAY_SECONDS,
  RULE_KEYS,
  SEND_STATUSES,
  VARIABLE_SOURCES,
  type RuleKey,
  type SendStatus,
  type VariableSource,
} from './model/automation';

export class UpdateRuleRequest extends TenantRequest {
  @IsIn(RULE_KEYS)
  key!: RuleKey;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DELAY_SECONDS)
  delaySeconds?: number;

  @IsOptional()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'templateName must be lowercase letters, digits and _' })
  templateName?: string;

  @IsOptional()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'templateLanguage must look like es or es_MX' })
  templateLanguage?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(VARIABLE_SOURCES, { each: true })
  variableMapping?: VariableSource[];
}

export class RuleRequest extends TenantRequest {
  @IsIn(RULE_KEYS)
  key!: RuleKey;
}

export class ListLogsRequest extends PageQuery {
  @IsOptional()
  @IsIn(RULE_KEYS)
  ruleKey?: RuleKey;

  @IsOptional()
  @IsIn(SEND_STATUSES)
  status?: SendStatus;

  /** Only the sends to this lead (the lead 360 timeline). */
  @IsOptional()
  @IsUUID()
  leadId?: string;
}

export class TriggerRequest extends TenantRequest {
  @IsIn(RULE_KEYS)
  ruleKey!: RuleKey;

  @IsUUID()
  leadId!: string;
}

/** Funnel counts of one tenant's sends (optionally one rule). */
export class AutomationMetricsRequest extends TenantRequest {
  @IsOptional()
  @IsIn(RULE_KEYS)
  ruleKey?: RuleKey;
}
