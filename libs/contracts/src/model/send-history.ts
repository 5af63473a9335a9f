import type { SendWindow } from './automation';

/**
 * The lines of a send's history (`automation.send_events.detail`, `SendHistoryEntry.detail`): written by
 * automation-service in English for operators, read back by the UI, which shows each known line as a sentence in
 * its language with formatted dates. Both sides use this file: the service builds every line with `sendHistory`
 * (or, in SQL, from the constants here), the UI reads them with `parseSendHistoryLine`. A new line is added here,
 * with its parser case and a test, or the UI shows it as it came.
 */

/** Day abbreviations of a window in a history line (0 = Sunday). */
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `attempt N` is written by SQL (`beginRequest`): `'attempt ' || attempts`. */
export const HISTORY_ATTEMPT_PREFIX = 'attempt ';
/** `rule timing changed; due <ISO>` is written by SQL (`retimeScheduled`): this prefix, then the ISO instant. */
export const HISTORY_RETIMED_PREFIX = 'rule timing changed; due ';
/** Written by SQL (the expired-lease sweep). */
export const HISTORY_LEASE_EXPIRED_BEFORE_SENDING = 'lease expired before sending; rescheduled';
export const HISTORY_LEASE_EXPIRED_WHILE_SENDING =
  'lease expired while sending; outcome unknown, not re-sent';
const OUTCOME_EXPIRED =
  'outcome unknown: WhatsApp never reported this message, and nothing shows it was not sent';

/** "Mon,Tue 09:00–20:00 America/Bogota": a send window in a zone, as history lines name it. */
export function describeSendWindow(window: SendWindow, zone: string): string {
  const days = [...window.days].sort((a, b) => a - b).map((d) => DAY_NAMES[d]);
  return `${days.join(',') || 'no days'} ${window.start}–${window.end} ${zone}`;
}

/** Why a rule does not apply to a send any more (cancelled or skipped), as written. */
export const NOT_APPLICABLE_TEXTS = {
  ruleDeleted: 'rule deleted',
  ruleDisabled: 'rule disabled',
  leadNotFound: 'lead not found',
  optedOut: 'contact opted out',
  alreadyContacted: 'lead already contacted',
  notFromCampaign: 'lead is not from the campaign',
  notFromAd: 'lead is not from the ad',
  anotherSeller: 'lead has another seller',
  noTags: 'lead has none of the tags',
  noOpportunityValue: 'no opportunity to compare the value with',
  opportunityNotFound: 'opportunity not found',
  saleNotFound: 'sale not found',
  saleRefunded: 'sale refunded',
  deadlineRemoved: 'deadline removed',
  newerMessage: 'a newer message was sent',
  noPhone: 'lead has no phone number',
  /** Older rows only. */
  notClaimed: 'no longer claimed (marked failed as stuck); not sent',
} as const;
export type HistoryNotApplicableKind = keyof typeof NOT_APPLICABLE_TEXTS;

/** The writers of history lines (automation-service). */
export const sendHistory = {
  /** A rule's trigger scheduled the send (`lead.status_changed` is written `lead.status changed`, as ever). */
  scheduled: (triggerType: string, dueAt: Date): string =>
    `${triggerType.replace('_', ' ')}; due ${dueAt.toISOString()}`,
  manual: (): string => 'triggered manually',
  manualResend: (previousSendId: string): string =>
    `triggered manually again (send ${previousSendId} ended with an unknown outcome)`,
  /** `localTime`: `ccc yyyy-LL-dd HH:mm` (English day) on the recipient's wall clock in `zone`. */
  deferred: (localTime: string, zone: string, window: SendWindow): string =>
    `deferred to ${localTime} ${zone}: outside the send window (${describeSendWindow(window, zone)})`,
  windowNeverOpens: (window: SendWindow, zone: string): string =>
    `the send window (${describeSendWindow(window, zone)}) never opens`,
  ruleLimit: (limit: { max: number; days: number | null }, used: number): string =>
    `rule_limit: this contact already got ${used} message(s) of this rule ${
      limit.days ? `in the last ${limit.days} day(s)` : 'so far'
    } (at most ${limit.max})`,
  frequencyCap: (used: number, hours: number, max: number): string =>
    `frequency_cap: this contact already got ${used} marketing template(s) in the last ${hours} h (at most ${max})`,
  rulePaused: (message: string): string => `rule paused: ${message}`,
  accepted: (asText: boolean): string =>
    asText ? 'accepted by WhatsApp as free-form text' : 'accepted by WhatsApp',
  reconciledAccepted: (): string => 'reconciled: accepted by WhatsApp',
  reconciledNotReached: (): string => 'reconciled: the request never reached WhatsApp; rescheduled',
  reconciledNotSent: (code: string, message?: string): string =>
    `reconciled: not sent (${message ? `${code}: ${message}` : code}); rescheduled`,
  reconciledRejected: (message?: string): string => `reconciled: ${message ?? 'rejected by WhatsApp'}`,
  /** The message of the `OUTCOME_UNKNOWN` error of an expired outcome. */
  outcomeExpiredMessage: OUTCOME_EXPIRED,
  outcomeExpired: (): string =>
    `${OUTCOME_EXPIRED}; not re-sent automatically (send it again by hand if it must go)`,
  outcomeUnknown: (code: string, message: string): string =>
    `outcome unknown (${code}: ${message}); not re-sent, waiting for WhatsApp's status`,
  paused: (code: string): string => `${code}: sends paused until the Meta connection works again`,
  retry: (code: string, message: string, at: Date): string =>
    `${code}: ${message}; retry at ${at.toISOString()}`,
  failed: (code: string, message: string, gaveUpAfter?: number): string =>
    `${gaveUpAfter !== undefined ? `gave up after ${gaveUpAfter} attempts: ` : ''}${code}: ${message}`,
  whatsapp: (statusOrError: string): string => `WhatsApp: ${statusOrError}`,
  replied: (): string => 'the contact replied',
  /** A cancellation: why, and (when heard from an event) what happened. */
  cancelled: (why: string, cause?: string): string => (cause ? `${why} (${cause})` : why),
  // Why not (rule conditions, trigger) and what changed (events): the parts of `cancelled`.
  leadSourceIs: (source: string): string => `lead source is ${source}`,
  leadStatusIs: (status: string): string => `lead status is ${status}`,
  leadNoLonger: (status: string): string => `lead is no longer ${status}`,
  opportunityIs: (status: string): string => `opportunity ${status}`,
  valueBelow: (value: number, min: number): string => `opportunity value ${value} < ${min}`,
  valueAbove: (value: number, max: number): string => `opportunity value ${value} > ${max}`,
  deadlineMoved: (deadline: string | null): string => `deadline moved to ${deadline ?? 'none'}`,
  leadMoved: (status: string): string => `lead moved to ${status}`,
  leadReassigned: (): string => 'lead assigned to another seller',
  opportunityChanged: (fields: readonly string[]): string => `opportunity changed (${fields.join(', ')})`,
  opportunityClosed: (won: boolean): string => `opportunity ${won ? 'won' : 'lost'}`,
} as const;

/** Why a rule no longer applies. */
export type HistoryNotApplicable =
  | { kind: HistoryNotApplicableKind }
  | { kind: 'leadSource' | 'leadStatus' | 'leadNoLonger'; value: string }
  | { kind: 'opportunityStatus'; status: string }
  | { kind: 'valueBelow' | 'valueAbove'; value: number; bound: number }
  | { kind: 'deadlineMoved'; deadline: string | null };

/** What happened that made a scheduled send be checked again. */
export type HistoryCause =
  | { kind: 'leadMoved'; status: string }
  | { kind: 'leadReassigned' }
  | { kind: 'deadlineMoved'; deadline: string | null }
  | { kind: 'opportunityChanged'; fields: string[] }
  | { kind: 'opportunityClosed'; won: boolean };

export type SendHistoryLine =
  /** `trigger`: the rule trigger type (older rows: `lead.created` for "lead created; follow-up due …"). */
  | { kind: 'scheduled'; trigger: string; dueAt: string }
  | { kind: 'manual' }
  | { kind: 'manualResend'; previousSendId: string }
  | { kind: 'retimed'; dueAt: string }
  /** `local`: `YYYY-MM-DD HH:mm` on the recipient's wall clock in `zone`. */
  | { kind: 'deferred'; local: string; zone: string; window: SendWindow }
  | { kind: 'windowNeverOpens'; window: SendWindow; zone: string }
  | { kind: 'ruleLimit'; used: number; max: number; days: number | null }
  | { kind: 'frequencyCap'; used: number; max: number; hours: number }
  | { kind: 'rulePaused'; message: string }
  | { kind: 'attempt'; attempt: number }
  | { kind: 'accepted'; asText: boolean; reconciled: boolean }
  | { kind: 'leaseExpiredBeforeSending' }
  | { kind: 'leaseExpiredWhileSending' }
  | { kind: 'reconciledNotReached' }
  | { kind: 'reconciledNotSent'; message: string }
  | { kind: 'reconciledRejected'; message: string }
  /** `message` null: older rows ("outcome unknown; not retried to avoid a duplicate message"). */
  | { kind: 'outcomeUnknown'; message: string | null }
  | { kind: 'outcomeExpired' }
  | { kind: 'paused' }
  | { kind: 'retry'; code: string; message: string; retryAt: string }
  | { kind: 'gaveUp'; attempts: number; code: string; message: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'whatsappStatus'; status: 'sent' | 'delivered' | 'read' | 'failed' }
  | { kind: 'whatsappError'; message: string }
  | { kind: 'replied' }
  | { kind: 'notApplicable'; why: HistoryNotApplicable; cause: HistoryCause | null }
  | { kind: 'other'; text: string };

const ISO = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z)';
const CODE = '([A-Z][A-Z0-9_]*)';
const WINDOW = '((?:(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat),?)+|no days) (\\d{2}:\\d{2})–(\\d{2}:\\d{2}) (\\S+)';

function windowOf(days: string, start: string, end: string): SendWindow {
  return {
    days:
      days === 'no days'
        ? []
        : days.split(',').map((d) => DAY_NAMES.indexOf(d as (typeof DAY_NAMES)[number])),
    start,
    end,
  };
}

const NOT_APPLICABLE_BY_TEXT = new Map<string, HistoryNotApplicableKind>(
  Object.entries(NOT_APPLICABLE_TEXTS).map(([kind, text]) => [text, kind as HistoryNotApplicableKind]),
);

function parseNotApplicable(text: string): HistoryNotApplicable | null {
  const fixed = NOT_APPLICABLE_BY_TEXT.get(text);
  if (fixed) return { kind: fixed };
  let match = /^lead source is (.+)$/.exec(text);
  if (match) return { kind: 'leadSource', value: match[1]! };
  match = /^lead status is (.+)$/.exec(text);
  if (match) return { kind: 'leadStatus', value: match[1]! };
  match = /^lead is no longer (.+)$/.exec(text);
  if (match) return { kind: 'leadNoLonger', value: match[1]! };
  match = /^opportunity value (-?[\d.]+) ([<>]) (-?[\d.]+)$/.exec(text);
  if (match) {
    return {
      kind: match[2] === '<' ? 'valueBelow' : 'valueAbove',
      value: Number(match[1]),
      bound: Number(match[3]),
    };
  }
  match = /^deadline moved to (\S+)$/.exec(text);
  if (match) return { kind: 'deadlineMoved', deadline: match[1] === 'none' ? null : match[1]! };
  match = /^opportunity ([a-z_]+)$/.exec(text);
  if (match) return { kind: 'opportunityStatus', status: match[1]! };
  return null;
}

function parseCause(text: string): HistoryCause | null {
  let match = /^lead moved to (.+)$/.exec(text);
  if (match) return { kind: 'leadMoved', status: match[1]! };
  if (text === 'lead assigned to another seller') return { kind: 'leadReassigned' };
  match = /^deadline moved to (\S+)$/.exec(text);
  if (match) return { kind: 'deadlineMoved', deadline: match[1] === 'none' ? null : match[1]! };
  match = /^opportunity changed \((.*)\)$/.exec(text);
  if (match) return { kind: 'opportunityChanged', fields: match[1] ? match[1].split(', ') : [] };
  match = /^opportunity (won|lost)$/.exec(text);
  if (match) return { kind: 'opportunityClosed', won: match[1] === 'won' };
  return null;
}

/** Reads one history line back (the inverse of `sendHistory`); `other` for a line this version does not know. */
export function parseSendHistoryLine(detail: string): SendHistoryLine {
  const text = detail.trim();
  let match = new RegExp(`^([a-z_.]+(?: [a-z_]+)?); due ${ISO}$`).exec(text);
  if (match && match[1] !== 'rule timing changed') {
    return { kind: 'scheduled', trigger: match[1]!.replace(' ', '_'), dueAt: match[2]! };
  }
  match = new RegExp(`^lead created; follow-up due ${ISO}$`).exec(text);
  if (match) return { kind: 'scheduled', trigger: 'lead.created', dueAt: match[1]! };
  match = new RegExp(`^${HISTORY_RETIMED_PREFIX}${ISO}$`).exec(text);
  if (match) return { kind: 'retimed', dueAt: match[1]! };
  if (text === sendHistory.manual()) return { kind: 'manual' };
  match = /^triggered manually again \(send (\S+) ended with an unknown outcome\)$/.exec(text);
  if (match) return { kind: 'manualResend', previousSendId: match[1]! };
  match = new RegExp(
    `^deferred to (?:[A-Z][a-z]{2} )?(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}) (\\S+): outside the send window \\(${WINDOW}\\)$`,
  ).exec(text);
  if (match) {
    return {
      kind: 'deferred',
      local: match[1]!,
      zone: match[2]!,
      window: windowOf(match[3]!, match[4]!, match[5]!),
    };
  }
  match = new RegExp(`^the send window \\(${WINDOW}\\) never opens$`).exec(text);
  if (match)
    return { kind: 'windowNeverOpens', window: windowOf(match[1]!, match[2]!, match[3]!), zone: match[4]! };
  match =
    /^rule_limit: this contact already got (\d+) message\(s\) of this rule (?:in the last (\d+) day\(s\)|so far) \(at most (\d+)\)$/.exec(
      text,
    );
  if (match) {
    return {
      kind: 'ruleLimit',
      used: Number(match[1]),
      days: match[2] ? Number(match[2]) : null,
      max: Number(match[3]),
    };
  }
  match =
    /^frequency_cap: this contact already got (\d+) marketing template\(s\) in the last (\d+) h \(at most (\d+)\)$/.exec(
      text,
    );
  if (match)
    return { kind: 'frequencyCap', used: Number(match[1]), hours: Number(match[2]), max: Number(match[3]) };
  match = /^rule paused: (.*)$/s.exec(text);
  if (match) return { kind: 'rulePaused', message: match[1]! };
  match = new RegExp(`^${HISTORY_ATTEMPT_PREFIX}(\\d+)$`).exec(text);
  if (match) return { kind: 'attempt', attempt: Number(match[1]) };
  if (text === sendHistory.accepted(false)) return { kind: 'accepted', asText: false, reconciled: false };
  if (text === sendHistory.accepted(true)) return { kind: 'accepted', asText: true, reconciled: false };
  if (text === sendHistory.reconciledAccepted()) return { kind: 'accepted', asText: false, reconciled: true };
  if (text === HISTORY_LEASE_EXPIRED_BEFORE_SENDING) return { kind: 'leaseExpiredBeforeSending' };
  if (text === HISTORY_LEASE_EXPIRED_WHILE_SENDING) return { kind: 'leaseExpiredWhileSending' };
  if (text === sendHistory.reconciledNotReached()) return { kind: 'reconciledNotReached' };
  match = /^reconciled: not sent \((.*)\); rescheduled$/s.exec(text);
  if (match) return { kind: 'reconciledNotSent', message: match[1]! };
  match = /^reconciled: (.*)$/s.exec(text);
  if (match) return { kind: 'reconciledRejected', message: match[1]! };
  if (text === sendHistory.outcomeExpired()) return { kind: 'outcomeExpired' };
  match = /^outcome unknown \((.*)\); not re-sent, waiting for WhatsApp's status$/s.exec(text);
  if (match) return { kind: 'outcomeUnknown', message: match[1]! };
  if (text === 'outcome unknown; not retried to avoid a duplicate message') {
    return { kind: 'outcomeUnknown', message: null };
  }
  match = /^WhatsApp: (sent|delivered|read|failed)$/.exec(text);
  if (match) return { kind: 'whatsappStatus', status: match[1] as 'sent' | 'delivered' | 'read' | 'failed' };
  match = /^WhatsApp: (.+)$/s.exec(text);
  if (match) return { kind: 'whatsappError', message: match[1]! };
  if (text === sendHistory.replied()) return { kind: 'replied' };
  match = new RegExp(`^${CODE}: sends paused until the Meta connection works again$`).exec(text);
  if (match) return { kind: 'paused' };
  match = new RegExp(`^${CODE}: (.*); retry at ${ISO}$`, 's').exec(text);
  if (match) return { kind: 'retry', code: match[1]!, message: match[2]!, retryAt: match[3]! };
  match = new RegExp(`^gave up after (\\d+) attempts: ${CODE}: (.*)$`, 's').exec(text);
  if (match) return { kind: 'gaveUp', attempts: Number(match[1]), code: match[2]!, message: match[3]! };
  match = new RegExp(`^${CODE}: (.*)$`, 's').exec(text);
  if (match) return { kind: 'error', code: match[1]!, message: match[2]! };
  // "<why> (<cause>)" first: a why that names a value (`lead status is …`) would take the cause in as part of it.
  match = /^(.+) \(([^()]+(?:\([^()]*\))?)\)$/.exec(text);
  if (match) {
    const inner = parseNotApplicable(match[1]!);
    const cause = parseCause(match[2]!);
    if (inner && cause) return { kind: 'notApplicable', why: inner, cause };
  }
  const why = parseNotApplicable(text);
  if (why) return { kind: 'notApplicable', why, cause: null };
  return { kind: 'other', text };
}
