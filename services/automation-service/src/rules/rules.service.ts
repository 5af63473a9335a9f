import { Injectable } from '@nestjs/common';
import {
  DomainError,
  RULE_KEYS,
  Rpc,
  type ListTemplatesRequest,
  type RuleKey,
  type RuleView,
  type TemplateView,
  type UpdateRuleRequest,
  type VariableSource,
} from '@crm/contracts';
import { RpcClient, TenantDatabase } from '@crm/nest-common';
import { defaultRule } from './rule-defaults';

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

@Injectable()
export class RulesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly rpc: RpcClient,
  ) {}

  /** Every rule of the tenant; a rule without a row is returned with its defaults. */
  async list(tenantId: string): Promise<RuleView[]> {
    const rows: RuleRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT ${RULE_COLUMNS} FROM automation.rules WHERE tenant_id = $1`, [tenantId]),
    );
    return RULE_KEYS.map((key) => {
      const row = rows.find((r) => r.key === key);
      return row ? toRuleView(row) : defaultRule(key);
    });
  }

  async get(tenantId: string, key: RuleKey): Promise<RuleView> {
    const rows: RuleRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(`SELECT ${RULE_COLUMNS} FROM automation.rules WHERE tenant_id = $1 AND key = $2`, [
        tenantId,
        key,
      ]),
    );
    return rows[0] ? toRuleView(rows[0]) : defaultRule(key);
  }

  /**
   * Save a rule (first save creates the row from the defaults). Turning it on — or changing its template while
   * on — checks with meta-ads-service that the template is APPROVED and takes exactly as many variables as mapped.
   */
  async update(request: UpdateRuleRequest): Promise<RuleView> {
    const { tenantId, key } = request;
    const current = await this.get(tenantId, key);
    const next: RuleView = {
      ...current,
      enabled: request.enabled ?? current.enabled,
      delaySeconds: request.delaySeconds ?? current.delaySeconds,
      templateName: request.templateName ?? current.templateName,
      templateLanguage: request.templateLanguage ?? current.templateLanguage,
      variableMapping: request.variableMapping ?? current.variableMapping,
    };
    const templateTouched =
      request.templateName !== undefined ||
      request.templateLanguage !== undefined ||
      request.variableMapping !== undefined;
    if (next.enabled && (request.enabled === true || templateTouched)) {
      await this.assertTemplateUsable(tenantId, next);
    }
    const rows: RuleRow[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
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
          key,
          next.enabled,
          next.delaySeconds,
          next.templateName,
          next.templateLanguage,
          JSON.stringify(next.variableMapping),
        ],
      ),
    );
    return toRuleView(rows[0]);
  }

  private async assertTemplateUsable(tenantId: string, rule: RuleView): Promise<void> {
    if (!rule.templateName || !rule.templateLanguage) {
      throw new DomainError('VALIDATION', 'choose a template and its language before enabling the rule');
    }
    let template = findTemplate(await this.templates(tenantId, false), rule);
    // Not in the last sync: the template may have been created or approved since; ask Meta once.
    if (!template) template = findTemplate(await this.templates(tenantId, true), rule);
    const label = `${rule.templateName} (${rule.templateLanguage})`;
    if (!template) {
      throw new DomainError('VALIDATION', `template ${label} does not exist in your WhatsApp account`, {
        field: 'templateName',
      });
    }
    if (template.status !== 'APPROVED') {
      throw new DomainError(
        'VALIDATION',
        `template ${label} is ${template.status}, only APPROVED templates can be sent`,
        {
          field: 'templateName',
          templateStatus: template.status,
        },
      );
    }
    if (template.parameterCount !== rule.variableMapping.length) {
      throw new DomainError(
        'VALIDATION',
        `template ${label} has ${template.parameterCount} variable(s) but the mapping has ${rule.variableMapping.length}`,
        { field: 'variableMapping', parameterCount: template.parameterCount },
      );
    }
  }

  private async templates(tenantId: string, refresh: boolean): Promise<TemplateView[]> {
    try {
      return await this.rpc.call<TemplateView[], ListTemplatesRequest>(Rpc.meta.listTemplates, {
        tenantId,
        refresh,
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'META_NOT_CONNECTED') {
        throw new DomainError(
          'VALIDATION',
          'connect WhatsApp first: the rule needs a connected WhatsApp number',
        );
      }
      throw error;
    }
  }
}

function findTemplate(templates: TemplateView[], rule: RuleView): TemplateView | undefined {
  const matches = templates.filter(
    (t) => t.name === rule.templateName && t.language === rule.templateLanguage,
  );
  // Several rows of one name+language can only differ by status: prefer an approved one.
  return matches.find((t) => t.status === 'APPROVED') ?? matches[0];
}
