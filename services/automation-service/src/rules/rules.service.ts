import { Injectable } from '@nestjs/common';
import {
  DomainError,
  RULE_KEYS,
  Rpc,
  type RuleKey,
  type RuleView,
  type TemplateView,
  type UpdateRuleRequest,
} from '@crm/contracts';
import { RpcClient, TenantDatabase } from '@crm/nest-common';
import { defaultRule } from './rule-defaults';
import { RuleStore } from './rule-store';

@Injectable()
export class RulesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly store: RuleStore,
    private readonly rpc: RpcClient,
  ) {}

  /** Every rule of the tenant; a rule without a row is returned with its defaults. */
  async list(tenantId: string): Promise<RuleView[]> {
    const rules = await this.db.withTenant(tenantId, (db) => this.store.list(db, tenantId));
    return RULE_KEYS.map((key) => rules.find((rule) => rule.key === key) ?? defaultRule(key));
  }

  async get(tenantId: string, key: RuleKey): Promise<RuleView> {
    const rule = await this.db.withTenant(tenantId, (db) => this.store.find(db, tenantId, key));
    return rule ?? defaultRule(key);
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
    return this.db.withTenant(tenantId, (db) => this.store.upsert(db, tenantId, next));
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
      return await this.rpc.call(Rpc.meta.listTemplates, {
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
