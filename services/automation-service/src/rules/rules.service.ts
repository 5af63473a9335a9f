import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  BUILTIN_RULE_KEYS,
  DomainError,
  type AutomationRuleView,
  type BuiltinRuleKey,
  type CreateRuleRequest,
  type RuleFieldsInput,
  type RuleTrigger,
  type TemplateMapping,
  type UpdateRuleRequest,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { DEFAULT_LIMITS, EMPTY_MAPPING, defaultRule } from './rule-defaults';
import { RuleStore } from './rule-store';
import { TemplatePreflight } from './template-preflight';

export const isBuiltinKey = (key: string): key is BuiltinRuleKey =>
  (BUILTIN_RULE_KEYS as readonly string[]).includes(key);

/** A user rule's key: `r_` and 12 random hex digits (made here, never by the client). */
export function newRuleKey(): string {
  return `r_${randomBytes(6).toString('hex')}`;
}

/** The rule after applying the request's fields (undefined = unchanged; `null` clears nullable fields). */
export function applyFields(
  current: AutomationRuleView,
  request: RuleFieldsInput & { variableMapping?: TemplateMapping['body'] },
): AutomationRuleView {
  const mapping: TemplateMapping = request.mapping
    ? {
        header: [...request.mapping.header],
        body: [...request.mapping.body],
        buttons: request.mapping.buttons.map((b) => ({ index: b.index, source: b.source })),
        ...(request.mapping.headerMedia
          ? {
              headerMedia: {
                format: request.mapping.headerMedia.format,
                link: request.mapping.headerMedia.link,
                filename: request.mapping.headerMedia.filename ?? null,
              },
            }
          : {}),
      }
    : request.variableMapping
      ? { ...current.mapping, body: [...request.variableMapping] }
      : current.mapping;
  const trigger: RuleTrigger = request.trigger
    ? { type: request.trigger.type, toStatus: request.trigger.toStatus ?? null }
    : current.trigger;
  return {
    ...current,
    name: request.name ?? current.name,
    enabled: request.enabled ?? current.enabled,
    trigger,
    delaySeconds: request.delaySeconds ?? current.delaySeconds,
    conditions: request.conditions ? { ...request.conditions } : current.conditions,
    templateName: request.templateName ?? current.templateName,
    templateLanguage: request.templateLanguage ?? current.templateLanguage,
    mapping,
    variableMapping: [...mapping.body],
    freeFormText: request.freeFormText === undefined ? current.freeFormText : request.freeFormText,
    sendWindow: request.sendWindow === undefined ? current.sendWindow : request.sendWindow,
    limits: request.limits ? { ...current.limits, ...request.limits } : current.limits,
  };
}

/** Rule shapes the engine cannot run: a toStatus on another trigger, a status trigger without a status. */
export function assertTriggerValid(trigger: RuleTrigger): void {
  if (trigger.type === 'lead.status_changed' && !trigger.toStatus) {
    throw new DomainError('VALIDATION', 'a "lead status changed" rule needs the status it changes to', {
      field: 'trigger.toStatus',
    });
  }
  if (trigger.type !== 'lead.status_changed' && trigger.toStatus) {
    throw new DomainError('VALIDATION', 'toStatus only applies to "lead status changed" rules', {
      field: 'trigger.toStatus',
    });
  }
}

/**
 * The tenant's rules: the three built-ins (defaults until first saved) and the user's own. Saving a rule that is on
 * (or turning it on, or changing its template or mapping while on) runs the pre-flight check against the template.
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly store: RuleStore,
    private readonly preflight: TemplatePreflight,
  ) {}

  /** Built-in rules first (defaults when never saved), then the user's rules by creation. */
  async list(tenantId: string): Promise<AutomationRuleView[]> {
    const rules = await this.db.withTenant(tenantId, (db) => this.store.list(db, tenantId));
    const builtIns = BUILTIN_RULE_KEYS.map(
      (key) => rules.find((rule) => rule.key === key) ?? defaultRule(key),
    );
    return [...builtIns, ...rules.filter((rule) => !rule.builtIn)];
  }

  /** One rule; NOT_FOUND for a user rule that does not exist (or was deleted). */
  async get(tenantId: string, key: string): Promise<AutomationRuleView> {
    const rule = await this.find(tenantId, key);
    if (!rule) throw new DomainError('NOT_FOUND', `no automation rule ${key}`, { key });
    return rule;
  }

  async find(tenantId: string, key: string): Promise<AutomationRuleView | null> {
    const rule = await this.db.withTenant(tenantId, (db) => this.store.find(db, tenantId, key));
    return rule ?? (isBuiltinKey(key) ? defaultRule(key) : null);
  }

  /**
   * `onSaved` runs in the transaction that saves the rule (what it changes commits or rolls back with the rule):
   * the engine moves the rule's scheduled sends to its new timing there.
   */
  async update(
    request: UpdateRuleRequest,
    onSaved?: (db: EntityManager, before: AutomationRuleView, saved: AutomationRuleView) => Promise<void>,
  ): Promise<AutomationRuleView> {
    const { tenantId, key } = request;
    const current = await this.get(tenantId, key);
    if (current.builtIn && request.trigger && request.trigger.type !== current.trigger.type) {
      throw new DomainError('VALIDATION', `the trigger of built-in rule ${key} cannot change`, {
        field: 'trigger.type',
      });
    }
    const next = applyFields(current, request);
    assertTriggerValid(next.trigger);
    const templateTouched =
      request.templateName !== undefined ||
      request.templateLanguage !== undefined ||
      request.variableMapping !== undefined ||
      request.mapping !== undefined;
    if (next.enabled && (request.enabled === true || templateTouched)) {
      await this.preflight.assertFits(tenantId, next);
    }
    return this.db.withTenant(tenantId, async (db) => {
      const saved = await this.store.upsert(db, tenantId, next);
      await onSaved?.(db, current, saved);
      return saved;
    });
  }

  async create(request: CreateRuleRequest): Promise<AutomationRuleView> {
    const { tenantId } = request;
    const blank: AutomationRuleView = {
      key: newRuleKey(),
      builtIn: false,
      name: request.name,
      enabled: false,
      trigger: { type: request.trigger.type },
      delaySeconds: 0,
      conditions: {},
      templateName: null,
      templateLanguage: null,
      mapping: EMPTY_MAPPING,
      variableMapping: [],
      freeFormText: null,
      sendWindow: null,
      limits: DEFAULT_LIMITS,
      pause: null,
      updatedAt: null,
    };
    const rule = applyFields(blank, request);
    assertTriggerValid(rule.trigger);
    if (rule.enabled) await this.preflight.assertFits(tenantId, rule);
    return this.db.withTenant(tenantId, (db) => this.store.upsert(db, tenantId, rule));
  }

  /** Deletes a user rule (soft: its sends keep their history). Built-in rules can only be disabled. */
  async delete(tenantId: string, key: string): Promise<void> {
    if (isBuiltinKey(key)) {
      throw new DomainError('VALIDATION', `built-in rule ${key} cannot be deleted; disable it instead`, {
        field: 'key',
      });
    }
    const deleted = await this.db.withTenant(tenantId, (db) => this.store.softDelete(db, tenantId, key));
    if (!deleted) throw new DomainError('NOT_FOUND', `no automation rule ${key}`, { key });
  }

  /** Enabled rules started by one of these triggers (built-in rules only once saved: their default is off). */
  listEnabledFor(
    tenantId: string,
    triggers: AutomationRuleView['trigger']['type'][],
  ): Promise<AutomationRuleView[]> {
    return this.db.withTenant(tenantId, (db) => this.store.listEnabledFor(db, tenantId, triggers));
  }
}
