import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_SEND_WINDOW,
  NOT_APPLICABLE_TEXTS,
  sendHistory,
  normalizePhone,
  type AutomationRuleView,
  type RuleLimits,
  type SendReason,
  type SendWindow,
} from '@crm/contracts';
import type { PreparedSend } from '../scheduler/send-preparer';
import type { SendRow } from '../sends/send-store';
import { ProtectionStore } from './protection-store';
import { timezoneOfPhone } from './recipient-timezone';
import { describeDeferral, nextOpening, spreadSeconds } from './send-window';
import { RecipientLookups } from './template-categories';

/**
 * May this contact get this message now: send it (as the template, or as `asText` — a free-form message inside
 * the contact's customer-service window), move it to a later time, or never (`reason` for the UI).
 */
export type GuardVerdict =
  | { send: true; asText?: string }
  | { skip: string; reason?: SendReason }
  | { deferUntil: Date; detail: string };

export const PROTECTION_OPTIONS = Symbol('PROTECTION_OPTIONS');
export type ProtectionOptions = {
  /** Apply `DEFAULT_SEND_WINDOW` to rules without their own window when the tenant set none (default on). */
  enforceDefaultSendWindow: boolean;
};

/** A free-form message needs the window open at least this much longer, so it still is when WhatsApp gets it. */
export const CS_WINDOW_MARGIN_MS = 60_000;

/** The rule fields the guard reads; optional until every rule carries them (issue 7 rule model). */
type GuardedRule = Partial<Pick<AutomationRuleView, 'sendWindow' | 'limits' | 'freeFormText'>> & {
  templateName: string | null;
  templateLanguage: string | null;
};

/** `{{1}}`…`{{n}}` of a free-form text filled with the send's body parameters (as the template would be). */
export function renderFreeForm(text: string, parameters: readonly string[]): string {
  return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (_, n: string) => parameters[Number(n) - 1] ?? '');
}

/** A rule's own limit per contact, when it has one. */
export function ruleLimitOf(limits: Partial<RuleLimits>): { max: number; days: number | null } | null {
  return limits.maxPerContact ? { max: limits.maxPerContact, days: limits.perDays ?? null } : null;
}

/** The history line of a send beyond its rule's limit for the contact. */
export function describeRuleLimit(limit: { max: number; days: number | null }, used: number): string {
  return sendHistory.ruleLimit(limit, used);
}

/**
 * Recipient protection, checked for every due send after it is prepared and before it leaves, in this order:
 * 1. opt-out: never a marketing (or unknown-category) template to an opted-out contact; a utility template only when
 *    the rule's `limits.utilityToOptedOut` allows it; never free-form text;
 * 2. the customer-service window: inside it (24 h after the contact's last message, 72 h after a CTWA ad), a rule
 *    with `freeFormText` sends that text instead of the template;
 * 3. the send window (rule's, else the tenant's, else `DEFAULT_SEND_WINDOW`) in the recipient's timezone (their
 *    phone's country when it has one zone, else the tenant's): outside it the send moves to the next opening,
 *    spread over the first minutes by send id;
 * 4. the rule's own limit: at most `limits.maxPerContact` sends of the rule per contact in `limits.perDays` days,
 *    taken under a per-(rule, contact) lock, as the cap;
 * 5. the frequency cap: at most N marketing templates per contact per H hours (tenant setting, default 1 per 24 h),
 *    taken under a per-contact lock so two replicas cannot both take the last slot.
 * A person's manual trigger skips 3 to 5 (they chose to send now); opt-out always applies.
 */
@Injectable()
export class RecipientGuard {
  constructor(
    private readonly store: ProtectionStore,
    private readonly lookups: RecipientLookups,
    @Inject(PROTECTION_OPTIONS) private readonly options: ProtectionOptions,
  ) {}

  async check(
    row: SendRow,
    prepared: Extract<PreparedSend, { request: unknown }>,
    now = new Date(),
  ): Promise<GuardVerdict> {
    const tenantId = row.tenant_id;
    const { request, lead } = prepared;
    // The rule as the preparer just read it (one read per send).
    const rule = prepared.rule as GuardedRule;
    const category = await this.lookups.templateCategory(tenantId, request.templateName, request.language);
    const marketing = category !== 'UTILITY' && category !== 'AUTHENTICATION';

    if (lead.optedOut && (marketing || rule.limits?.utilityToOptedOut !== true)) {
      return { skip: NOT_APPLICABLE_TEXTS.optedOut, reason: 'opted_out' };
    }
    const phone = normalizePhone(request.to) ?? request.to;

    let asText: string | undefined;
    if (rule.freeFormText && !lead.optedOut) {
      const endsAt = await this.store.windowEndsAt(tenantId, phone);
      if (endsAt && endsAt.getTime() - now.getTime() > CS_WINDOW_MARGIN_MS) {
        asText = renderFreeForm(rule.freeFormText, request.bodyParameters);
      }
    }

    if (!row.manual) {
      const settings = await this.store.settings(tenantId);
      const window: SendWindow | null =
        rule.sendWindow ??
        settings.sendWindow ??
        (this.options.enforceDefaultSendWindow ? DEFAULT_SEND_WINDOW : null);
      if (window) {
        const zone = timezoneOfPhone(phone) ?? (await this.lookups.tenantTimezone(tenantId));
        const opening = nextOpening(now, window, zone);
        if (!opening) {
          return {
            skip: sendHistory.windowNeverOpens(window, zone),
            reason: 'window_closed',
          };
        }
        if (!opening.inside) {
          const deferUntil = new Date(
            opening.at.getTime() + spreadSeconds(row.id, opening.at, opening.closesAt) * 1000,
          );
          return { deferUntil, detail: describeDeferral(deferUntil, window, zone) };
        }
      }
      const limit = rule.limits ? ruleLimitOf(rule.limits) : null;
      if (limit) {
        const slot = await this.store.takeRuleSlot(tenantId, row.rule_key, phone, row.id, limit);
        if (!slot.taken) {
          return { skip: describeRuleLimit(limit, slot.used), reason: 'rule_limit' };
        }
      }
      if (!asText && marketing && rule.limits?.respectFrequencyCap !== false) {
        const slot = await this.store.takeFrequencySlot(tenantId, phone, row.id, {
          perContact: settings.marketingPerContact,
          hours: settings.capHours,
        });
        if (!slot.taken) {
          return {
            skip: sendHistory.frequencyCap(slot.used, settings.capHours, settings.marketingPerContact),
            reason: 'frequency_cap',
          };
        }
      }
    }
    return asText === undefined ? { send: true } : { send: true, asText };
  }
}
