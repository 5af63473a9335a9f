import {
  parseSendHistoryLine,
  type HistoryCause,
  type HistoryNotApplicable,
  type SendHistoryLine,
  type SendWindow,
} from '@crm/contracts/browser';
import type { TFunction } from 'i18next';
import type { Formatters } from '../../lib/format';
import { instantOfWallTime } from '../../lib/zoned-day';
import { WEEK_DAYS } from './send-window-field';

/**
 * The send history's `detail` lines are written by automation-service in English for operators; their format is
 * shared in libs/contracts/src/model/send-history.ts (`sendHistory` writes them, `parseSendHistoryLine` reads them).
 * The UI shows each known line as a sentence in its language with formatted dates; a line it does not know (a newer
 * service) is shown as it came.
 */
export function parseHistoryDetail(detail: string): SendHistoryLine {
  return parseSendHistoryLine(detail);
}

type Translate = TFunction;

function windowText(t: Translate, window: SendWindow): string {
  const days =
    window.days.length === 0
      ? t('automation.history.window.noDays')
      : WEEK_DAYS.filter((day) => window.days.includes(day))
          .map((day) => t(`automation.days.${day}`))
          .join(', ');
  const overnight = window.end < window.start ? ` ${t('automation.history.window.overnight')}` : '';
  return t('automation.history.window.text', { days, start: window.start, end: window.end }) + overnight;
}

function notApplicableText(t: Translate, format: Formatters, why: HistoryNotApplicable): string {
  switch (why.kind) {
    case 'leadSource':
    case 'leadStatus':
    case 'leadNoLonger':
      return t(`automation.history.why.${why.kind}`, { value: why.value });
    case 'opportunityStatus':
      return t('automation.history.why.opportunityStatus', {
        status: t(`opportunityStatus.${why.status}`, { defaultValue: why.status }),
      });
    case 'valueBelow':
    case 'valueAbove':
      return t(`automation.history.why.${why.kind}`, {
        value: format.number(why.value),
        bound: format.number(why.bound),
      });
    case 'deadlineMoved':
      return why.deadline
        ? t('automation.history.why.deadlineMoved', { date: format.dateTime(why.deadline) })
        : t('automation.history.why.deadlineRemoved');
    default:
      return t(`automation.history.why.${why.kind}`);
  }
}

function causeText(t: Translate, format: Formatters, cause: HistoryCause): string {
  switch (cause.kind) {
    case 'leadMoved':
      return t('automation.history.cause.leadMoved', { status: cause.status });
    case 'leadReassigned':
      return t('automation.history.cause.leadReassigned');
    case 'deadlineMoved':
      return cause.deadline
        ? t('automation.history.cause.deadlineMoved', { date: format.dateTime(cause.deadline) })
        : t('automation.history.cause.deadlineRemoved');
    case 'opportunityChanged':
      return t('automation.history.cause.opportunityChanged');
    case 'opportunityClosed':
      return t(
        cause.won ? 'automation.history.cause.opportunityWon' : 'automation.history.cause.opportunityLost',
      );
  }
}

/** A history line as a sentence in the UI language, dates through `format`. */
export function describeHistoryDetail(detail: string, t: Translate, format: Formatters): string {
  const line = parseHistoryDetail(detail);
  switch (line.kind) {
    case 'scheduled': {
      const [entity, event] = line.trigger.split('.');
      const trigger = t(event ? `automation.triggers.${entity}.${event}` : `automation.triggers.${entity}`, {
        defaultValue: line.trigger,
      });
      return t('automation.history.scheduled', { trigger, date: format.dateTime(line.dueAt) });
    }
    case 'manual':
      return t('automation.history.manual');
    case 'manualResend':
      return t('automation.history.manualResend');
    case 'retimed':
      return t('automation.history.retimed', { date: format.dateTime(line.dueAt) });
    case 'deferred': {
      const at = instantOfWallTime(line.local, line.zone);
      return t('automation.history.deferred', {
        date: at ? format.dateTime(at) : line.local,
        zone: line.zone,
        window: windowText(t, line.window),
      });
    }
    case 'windowNeverOpens':
      return t('automation.history.windowNeverOpens', {
        window: windowText(t, line.window),
        zone: line.zone,
      });
    case 'ruleLimit':
      return line.days
        ? t('automation.history.ruleLimitDays', {
            count: line.used,
            used: format.integer(line.used),
            max: format.integer(line.max),
            days: format.integer(line.days),
          })
        : t('automation.history.ruleLimitEver', {
            count: line.used,
            used: format.integer(line.used),
            max: format.integer(line.max),
          });
    case 'frequencyCap':
      return t('automation.history.frequencyCap', {
        count: line.used,
        used: format.integer(line.used),
        max: format.integer(line.max),
        hours: format.integer(line.hours),
      });
    case 'rulePaused':
      return t('automation.history.rulePaused', { message: line.message });
    case 'attempt':
      return t('automation.history.attempt', { attempt: format.integer(line.attempt) });
    case 'accepted':
      return t(
        line.reconciled
          ? 'automation.history.acceptedReconciled'
          : line.asText
            ? 'automation.history.acceptedAsText'
            : 'automation.history.accepted',
      );
    case 'leaseExpiredBeforeSending':
      return t('automation.history.leaseExpiredBeforeSending');
    case 'leaseExpiredWhileSending':
      return t('automation.history.leaseExpiredWhileSending');
    case 'reconciledNotReached':
      return t('automation.history.reconciledNotReached');
    case 'reconciledNotSent':
      return t('automation.history.reconciledNotSent', { message: line.message });
    case 'reconciledRejected':
      return t('automation.history.reconciledRejected', { message: line.message });
    case 'outcomeUnknown':
      return line.message
        ? t('automation.history.outcomeUnknownWaiting', { message: line.message })
        : t('automation.history.outcomeUnknown');
    case 'outcomeExpired':
      return t('automation.history.outcomeExpired');
    case 'paused':
      return t('automation.history.paused');
    case 'retry':
      return t('automation.history.retry', { message: line.message, date: format.dateTime(line.retryAt) });
    case 'gaveUp':
      return t('automation.history.gaveUp', { count: line.attempts, message: line.message });
    case 'error':
      return t('automation.history.error', { message: line.message });
    case 'whatsappStatus':
      return t('automation.history.whatsappStatus');
    case 'whatsappError':
      return t('automation.history.whatsappError', { message: line.message });
    case 'replied':
      return t('automation.history.replied');
    case 'notApplicable': {
      const why = notApplicableText(t, format, line.why);
      return line.cause
        ? t('automation.history.becauseOf', { why, cause: causeText(t, format, line.cause) })
        : why;
    }
    case 'other':
      return line.text;
  }
}
