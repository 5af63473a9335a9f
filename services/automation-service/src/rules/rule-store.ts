import { Injectable } from '@nestjs/common';
import type {
  AutomationRuleView,
  RuleConditions,
  RuleLimits,
  RulePause,
  RuleTrigger,
  RuleTriggerType,
  SendWindow,
  TemplateMapping,
} from '@crm/contracts';
import { preparedQuery } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_LIMITS, EMPTY_MAPPING } from './rule-defaults';

/** `automation.rules`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

type RuleRow = {
  key: string;
  built_in: boolean;
  name: string | null;
  enabled: boolean;
  trigger: RuleTrigger;
  delay_seconds: number;
  conditions: RuleConditions;
  template_name: string | null;
  template_language: string | null;
  mapping: TemplateMapping;
  free_form_text: string | null;
  send_window: SendWindow | null;
  limits: Partial<RuleLimits>;
  paused_reason: RulePause['reason'] | null;
  paused_message: string | null;
  paused_at: Date | null;
  updated_at: Date;
};

const RULE_COLUMNS = `key, built_in, name, enabled, trigger, delay_seconds, conditions, template_name, template_language,
  mapping, free_form_text, send_window, limits, paused_reason, paused_message, paused_at, updated_at`;

@Injectable()
export class RuleStore {
  /** The tenant's stored, not deleted rules (a built-in rule without a row has its defaults: rule-defaults.ts). */
  async list(db: EntityManager, tenantId: string): Promise<AutomationRuleView[]> {
    const rows: RuleRow[] = await db.query(
      `SELECT ${RULE_COLUMNS} FROM automation.rules
        WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY built_in DESC, created_at, key`,
      [tenantId],
    );
    return rows.map(toRuleView);
  }

  /** Enabled rules of the tenant started by one of these triggers. */
  async listEnabledFor(
    db: EntityManager,
    tenantId: string,
    triggers: readonly RuleTriggerType[],
  ): Promise<AutomationRuleView[]> {
    const rows: RuleRow[] = await db.query(
      `SELECT ${RULE_COLUMNS} FROM automation.rules
        WHERE tenant_id = $1 AND deleted_at IS NULL AND enabled AND trigger->>'type' = ANY($2::text[])`,
      [tenantId, triggers],
    );
    return rows.map(toRuleView);
  }

  async find(db: EntityManager, tenantId: string, key: string): Promise<AutomationRuleView | null> {
    // Every due send reads its rule: a prepared statement.
    const rows = await preparedQuery<RuleRow>(
      db,
      `SELECT ${RULE_COLUMNS} FROM automation.rules WHERE tenant_id = $1 AND key = $2 AND deleted_at IS NULL`,
      [tenantId, key],
    );
    return rows[0] ? toRuleView(rows[0]) : null;
  }

  /** Insert or replace the tenant's rule (built-in keys are created on first save); returns it as stored. */
  async upsert(db: EntityManager, tenantId: string, rule: AutomationRuleView): Promise<AutomationRuleView> {
    const rows: RuleRow[] = await db.query(
      `INSERT INTO automation.rules
         (tenant_id, key, name, enabled, trigger, delay_seconds, conditions, template_name,
          template_language, mapping, variable_mapping, free_form_text, send_window, limits, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10::jsonb, $11::jsonb, $12, $13::jsonb,
               $14::jsonb, now())
       ON CONFLICT (tenant_id, key) DO UPDATE SET
         name = EXCLUDED.name,
         enabled = EXCLUDED.enabled,
         trigger = EXCLUDED.trigger,
         delay_seconds = EXCLUDED.delay_seconds,
         conditions = EXCLUDED.conditions,
         template_name = EXCLUDED.template_name,
         template_language = EXCLUDED.template_language,
         mapping = EXCLUDED.mapping,
         variable_mapping = EXCLUDED.variable_mapping,
         free_form_text = EXCLUDED.free_form_text,
         send_window = EXCLUDED.send_window,
         limits = EXCLUDED.limits,
         updated_at = now()
       WHERE automation.rules.deleted_at IS NULL
       RETURNING ${RULE_COLUMNS}`,
      [
        tenantId,
        rule.key,
        rule.name,
        rule.enabled,
        JSON.stringify(rule.trigger),
        rule.delaySeconds,
        JSON.stringify(rule.conditions),
        rule.templateName,
        rule.templateLanguage,
        JSON.stringify(rule.mapping),
        JSON.stringify(rule.mapping.body),
        rule.freeFormText,
        rule.sendWindow ? JSON.stringify(rule.sendWindow) : null,
        JSON.stringify(rule.limits),
      ],
    );
    return toRuleView(rows[0]);
  }

  /** Soft delete a user rule (its sends keep naming it); false when there was none. */
  async softDelete(db: EntityManager, tenantId: string, key: string): Promise<boolean> {
    const rows: { key: string }[] = await db.query(
      `WITH deleted AS (
         UPDATE automation.rules SET deleted_at = now(), enabled = false, updated_at = now()
          WHERE tenant_id = $1 AND key = $2 AND NOT built_in AND deleted_at IS NULL
         RETURNING key
       )
       SELECT key FROM deleted`,
      [tenantId, key],
    );
    return rows.length > 0;
  }
}

function toRuleView(row: RuleRow): AutomationRuleView {
  const mapping: TemplateMapping = { ...EMPTY_MAPPING, ...row.mapping };
  return {
    key: row.key,
    builtIn: row.built_in,
    name: row.name,
    enabled: row.enabled,
    trigger: row.trigger,
    delaySeconds: row.delay_seconds,
    conditions: row.conditions ?? {},
    templateName: row.template_name,
    templateLanguage: row.template_language,
    variableMapping: [...mapping.body],
    mapping,
    freeFormText: row.free_form_text,
    sendWindow: row.send_window,
    limits: { ...DEFAULT_LIMITS, ...row.limits },
    pause:
      row.paused_reason && row.paused_at
        ? { reason: row.paused_reason, message: row.paused_message ?? '', at: row.paused_at.toISOString() }
        : null,
    updatedAt: row.updated_at.toISOString(),
  };
}
