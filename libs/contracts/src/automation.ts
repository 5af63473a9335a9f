import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { IsCalendarDate, PageQuery, TenantRequest } from './common';
import { IsIanaTimezone } from './people';
import { RuleFieldsInput } from './automation-rules';
import {
  RULE_KEYS,
  RULE_KEY_PATTERN,
  SEND_STATUSES,
  TEMPLATE_VARIABLE_SOURCES,
  type RuleKey,
  type SendStatus,
  type TemplateVariableSource,
} from './model/automation';

/**
 * `PATCH …/automation/rules/:key`: any rule, built-in or custom (issue 7). The fields of `RuleFieldsInput`, plus the
 * body mapping under its old name `variableMapping` (kept for compatibility; `mapping.body` wins when both are given).
 */
export class UpdateRuleRequest extends RuleFieldsInput {
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' })
  key!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(TEMPLATE_VARIABLE_SOURCES, { each: true })
  variableMapping?: TemplateVariableSource[];
}

export class RuleRequest extends TenantRequest {
  @IsIn(RULE_KEYS)
  key!: RuleKey;
}

export class ListLogsRequest extends PageQuery {
  @IsOptional()
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' })
  ruleKey?: string;

  @IsOptional()
  @IsIn(SEND_STATUSES)
  status?: SendStatus;

  /** Only the sends to this lead (the lead 360 timeline). */
  @IsOptional()
  @IsUUID()
  leadId?: string;

  /** Only the sends of this day in `timezone`: sent that day, or (not sent) due that day. */
  @IsOptional()
  @IsCalendarDate()
  day?: string;

  /** The timezone `day` is read in (the gateway passes the tenant's); default UTC. */
  @IsOptional()
  @IsIanaTimezone()
  timezone?: string;
}

export class TriggerRequest extends TenantRequest {
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' })
  ruleKey!: string;

  @IsUUID()
  leadId!: string;

  /** Opportunity rules: the opportunity the message is about (else the lead's most recent pending one). */
  @IsOptional()
  @IsUUID()
  opportunityId?: string;

  /** Sale rules: the sale the message is about (else the lead's most recent completed one). */
  @IsOptional()
  @IsUUID()
  saleId?: string;
}

/** Funnel counts of one tenant's sends (optionally one rule). */
export class AutomationMetricsRequest extends TenantRequest {
  @IsOptional()
  @Matches(RULE_KEY_PATTERN, { message: 'unknown rule key' })
  ruleKey?: string;
}
