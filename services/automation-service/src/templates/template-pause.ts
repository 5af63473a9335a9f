import type { RulePause } from '@crm/contracts';

/** Template statuses that stop a rule from sending: Meta refuses them (132015 paused, 132016 disabled, 132001). */
const PAUSING: Record<string, RulePause['reason']> = {
  PAUSED: 'template_paused',
  DISABLED: 'template_disabled',
  DELETED: 'template_disabled',
  PENDING_DELETION: 'template_disabled',
  ARCHIVED: 'template_disabled',
};

/**
 * Statuses that end a pause the template caused. Choice: only APPROVED (Meta's unpause and reinstatement both
 * arrive as APPROVED here) clears it — the rule goes back to what the ceo had (enabled or not); REJECTED,
 * IN_APPEAL, LIMIT_EXCEEDED… leave a pause as it is, and do not pause a rule either (Meta refuses those sends
 * with their own error, shown in the log).
 */
const RESUMING = new Set(['APPROVED']);

export type PauseDecision =
  | { action: 'pause'; reason: RulePause['reason']; message: string }
  | { action: 'resume' }
  | { action: 'none' };

/** What a template's new status means for the rules that send it. */
export function pauseDecision(event: {
  name: string;
  language: string;
  status: string;
  reason: string | null;
}): PauseDecision {
  const status = event.status.toUpperCase();
  const reason = PAUSING[status];
  if (reason) {
    const what =
      status === 'PAUSED'
        ? 'paused'
        : status === 'DISABLED'
          ? 'disabled'
          : status === 'ARCHIVED'
            ? 'archived'
            : 'deleted';
    const why = event.reason ? `: ${event.reason}` : '';
    return {
      action: 'pause',
      reason,
      message: `Meta ${what} the template ${event.name} (${event.language})${why}`,
    };
  }
  if (RESUMING.has(status)) return { action: 'resume' };
  return { action: 'none' };
}

/** A rule row's pause columns as stored (`rules.paused_reason`, `paused_message`, `paused_at`). */
export type RulePauseColumns = {
  paused_reason: string | null;
  paused_message: string | null;
  paused_at: Date | string | null;
};

/** True when the system paused the rule (its sends must not go out until the pause is cleared). */
export function isRulePaused(row: RulePauseColumns | null | undefined): boolean {
  return !!row && row.paused_at !== null && row.paused_reason !== null;
}

/** The pause as the API shows it, or null. */
export function rulePauseOf(row: RulePauseColumns | null | undefined): RulePause | null {
  if (!row || !isRulePaused(row)) return null;
  return {
    reason: row.paused_reason as RulePause['reason'],
    message: row.paused_message ?? '',
    at: new Date(row.paused_at!).toISOString(),
  };
}
