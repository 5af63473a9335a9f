import { Injectable } from '@nestjs/common';
import type { RuleKey, RuleView, VariableSource } from '@crm/contracts';
import type { EntityManager } from 'typeorm';

/** `automation.rules`: its SQL and row type. Every method takes the tenant-scoped handle and the tenant id. */

type RuleRow = {
  key: RuleKey;
  enabled: boolean;
  delay_seconds: number;
  template_name: string | null;
  template_language: string | null;
  variable_mapping: VariableSource[];
  updated_at: Date;
};

const RULE_COLUMNS = `key, enabled, delay_seconds, template_name, template_language, variable_mapping, updated_at`;

@Injectable()
export class RuleStore {
  /** The tenant's stored rules (a rule without a row has its defaults: see rule-defaults.ts). */
  async list(db: EntityManager, tenantId: string): Promise<RuleView[]> {
    const rows: RuleRow[] = await db.query(
      `SELECT ${RULE_COLUMNS} FROM automation.rules WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows.map(toRuleView);
  }

  async find(db: EntityManager, tenantId: string, key: RuleKey): Promise<RuleView | null> {
    const rows: RuleRow[] = await db.query(
      `SELECT ${RULE_COLUMNS} FROM automation.rules WHERE tenant_id = $1 AND key = $2`,
      [tenantId, key],
    );
    return rows[0] ? toRuleView(rows[0]) : null;
  }

  /** Insert or replace the tenant's rule; returns it as stored. */
  async upsert(db: EntityManager, tenantId: string, rule: RuleView): Promise<RuleView> {
    const rows: RuleRow[] = await db.query(
      `INSERT INTO automation.rules
         (tenant_id, key, enabled, delay_seconds, template_name, template_language, variable_mapping, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, now())
       ON CONFLICT (tenant_id, key) DO UPDATE SET
         enabled = EXCLUDED.enabled,
         delay_seconds = EXCLUDED.delay_seconds,
         template_name = EXCLUDED.template_name,
         template_language = EXCLUDED.template_language,
         variable_mapping = EXCLUDED.variable_mapping,
         updated_at = now()
       RETURNING ${RULE_COLUMNS}`,
      [
        tenantId,
        rule.key,
        rule.enabled,
        rule.delaySeconds,
        rule.templateName,
        rule.templateLanguage,
        JSON.stringify(rule.variableMapping),
      ],
    );
    return toRuleView(rows[0]);
  }
}

function toRuleView(row: RuleRow): RuleView {
  return {
    key: row.key,
    enabled: row.enabled,
    delaySeconds: row.delay_seconds,
    templateName: row.template_name,
    templateLanguage: row.template_language,
    variableMapping: row.variable_mapping,
    updatedAt: row.updated_at.toISOString(),
  };
}
