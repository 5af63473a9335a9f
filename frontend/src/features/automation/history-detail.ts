/**
 * The send history's `detail` is written by automation-service in English for operators (`triggered manually`,
 * `lead created; follow-up due 2026-11-26T16:23:00.000Z`, `WhatsApp: read`…). The UI shows each known shape as a
 * translated sentence with a human date; anything else is shown as it came.
 * Keep in step with services/automation-service/src/sends/sends.service.ts, send-processor.ts and send-store.ts.
 */
export type SkipReason = 'ruleDisabled' | 'leadNotFound' | 'optedOut' | 'alreadyContacted' | 'notClaimed';

export type HistoryDetail =
  | { kind: 'scheduled'; dueAt: string }
  | { kind: 'manual' }
  | { kind: 'attempt'; attempt: number }
  | { kind: 'accepted' }
  | { kind: 'whatsappStatus' }
  | { kind: 'whatsappError'; message: string }
  | { kind: 'replied' }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'retry'; message: string; retryAt: string }
  | { kind: 'gaveUp'; attempts: number; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'outcomeUnknown' }
  | { kind: 'other'; text: string };

const SKIP_REASONS: Record<string, SkipReason> = {
  'rule disabled': 'ruleDisabled',
  'lead not found': 'leadNotFound',
  'contact opted out': 'optedOut',
  'lead already contacted': 'alreadyContacted',
  'no longer claimed (marked failed as stuck); not sent': 'notClaimed',
};

const ERROR_CODE = '[A-Z][A-Z0-9_]*';

export function parseHistoryDetail(detail: string): HistoryDetail {
  const text = detail.trim();
  let match = /^lead created; follow-up due (\S+)$/.exec(text);
  if (match) return { kind: 'scheduled', dueAt: match[1]! };
  if (text === 'triggered manually') return { kind: 'manual' };
  match = /^attempt (\d+)$/.exec(text);
  if (match) return { kind: 'attempt', attempt: Number(match[1]) };
  if (text === 'accepted by WhatsApp') return { kind: 'accepted' };
  if (/^WhatsApp: (sent|delivered|read|failed)$/.test(text)) return { kind: 'whatsappStatus' };
  match = /^WhatsApp: (.+)$/s.exec(text);
  if (match) return { kind: 'whatsappError', message: match[1]! };
  if (text === 'the contact replied') return { kind: 'replied' };
  const reason = SKIP_REASONS[text];
  if (reason) return { kind: 'skipped', reason };
  if (text === 'outcome unknown; not retried to avoid a duplicate message') return { kind: 'outcomeUnknown' };
  match = new RegExp(`^${ERROR_CODE}: (.*); retry at (\\S+)$`, 's').exec(text);
  if (match) return { kind: 'retry', message: match[1]!, retryAt: match[2]! };
  match = new RegExp(`^gave up after (\\d+) attempts: ${ERROR_CODE}: (.*)$`, 's').exec(text);
  if (match) return { kind: 'gaveUp', attempts: Number(match[1]), message: match[2]! };
  match = new RegExp(`^${ERROR_CODE}: (.*)$`, 's').exec(text);
  if (match) return { kind: 'error', message: match[1]! };
  return { kind: 'other', text };
}
