import {
  HISTORY_ATTEMPT_PREFIX,
  HISTORY_LEASE_EXPIRED_BEFORE_SENDING,
  HISTORY_LEASE_EXPIRED_WHILE_SENDING,
  HISTORY_RETIMED_PREFIX,
  NOT_APPLICABLE_TEXTS,
  parseSendHistoryLine,
  sendHistory,
  type HistoryNotApplicableKind,
} from './model/send-history';

const DUE = new Date('2026-11-26T16:23:00.000Z');
const WINDOW = { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' };

describe('send history lines: every line automation-service writes reads back', () => {
  it('scheduling lines', () => {
    for (const trigger of ['lead.created', 'lead.status_changed', 'opportunity.deadline', 'no_reply']) {
      expect(parseSendHistoryLine(sendHistory.scheduled(trigger, DUE))).toEqual({
        kind: 'scheduled',
        trigger,
        dueAt: DUE.toISOString(),
      });
    }
    expect(sendHistory.scheduled('lead.status_changed', DUE)).toBe(
      'lead.status changed; due 2026-11-26T16:23:00.000Z',
    );
    expect(parseSendHistoryLine('lead created; follow-up due 2026-11-26T16:23:00.000Z')).toEqual({
      kind: 'scheduled',
      trigger: 'lead.created',
      dueAt: '2026-11-26T16:23:00.000Z',
    });
    expect(parseSendHistoryLine(sendHistory.manual())).toEqual({ kind: 'manual' });
    expect(parseSendHistoryLine(sendHistory.manualResend('5b1c0f4e-1111-4222-8333-444455556666'))).toEqual({
      kind: 'manualResend',
      previousSendId: '5b1c0f4e-1111-4222-8333-444455556666',
    });
    // As SQL writes it (send-store retimeScheduled).
    expect(parseSendHistoryLine(`${HISTORY_RETIMED_PREFIX}2026-11-27T10:00:00.000Z`)).toEqual({
      kind: 'retimed',
      dueAt: '2026-11-27T10:00:00.000Z',
    });
  });

  it('send-window and limit lines', () => {
    expect(
      parseSendHistoryLine(sendHistory.deferred('Mon 2026-11-30 09:07', 'America/Mexico_City', WINDOW)),
    ).toEqual({
      kind: 'deferred',
      local: '2026-11-30 09:07',
      zone: 'America/Mexico_City',
      window: WINDOW,
    });
    const overnight = { days: [5], start: '22:00', end: '06:00' };
    expect(
      parseSendHistoryLine(sendHistory.deferred('Fri 2026-12-04 22:10', 'America/Bogota', overnight)),
    ).toEqual({ kind: 'deferred', local: '2026-12-04 22:10', zone: 'America/Bogota', window: overnight });
    expect(parseSendHistoryLine(sendHistory.windowNeverOpens({ ...WINDOW, days: [] }, 'UTC'))).toEqual({
      kind: 'windowNeverOpens',
      window: { ...WINDOW, days: [] },
      zone: 'UTC',
    });
    expect(parseSendHistoryLine(sendHistory.ruleLimit({ max: 2, days: 30 }, 2))).toEqual({
      kind: 'ruleLimit',
      used: 2,
      max: 2,
      days: 30,
    });
    expect(parseSendHistoryLine(sendHistory.ruleLimit({ max: 1, days: null }, 1))).toEqual({
      kind: 'ruleLimit',
      used: 1,
      max: 1,
      days: null,
    });
    expect(parseSendHistoryLine(sendHistory.frequencyCap(1, 24, 1))).toEqual({
      kind: 'frequencyCap',
      used: 1,
      hours: 24,
      max: 1,
    });
    expect(parseSendHistoryLine(sendHistory.rulePaused('Meta paused the template promo (es_MX)'))).toEqual({
      kind: 'rulePaused',
      message: 'Meta paused the template promo (es_MX)',
    });
  });

  it('sending and outcome lines', () => {
    expect(parseSendHistoryLine(`${HISTORY_ATTEMPT_PREFIX}3`)).toEqual({ kind: 'attempt', attempt: 3 });
    expect(parseSendHistoryLine(sendHistory.accepted(false))).toEqual({
      kind: 'accepted',
      asText: false,
      reconciled: false,
    });
    expect(parseSendHistoryLine(sendHistory.accepted(true))).toEqual({
      kind: 'accepted',
      asText: true,
      reconciled: false,
    });
    expect(parseSendHistoryLine(sendHistory.reconciledAccepted())).toEqual({
      kind: 'accepted',
      asText: false,
      reconciled: true,
    });
    expect(parseSendHistoryLine(HISTORY_LEASE_EXPIRED_BEFORE_SENDING)).toEqual({
      kind: 'leaseExpiredBeforeSending',
    });
    expect(parseSendHistoryLine(HISTORY_LEASE_EXPIRED_WHILE_SENDING)).toEqual({
      kind: 'leaseExpiredWhileSending',
    });
    expect(parseSendHistoryLine(sendHistory.reconciledNotReached())).toEqual({
      kind: 'reconciledNotReached',
    });
    expect(parseSendHistoryLine(sendHistory.reconciledNotSent('META_UNAVAILABLE', 'down'))).toEqual({
      kind: 'reconciledNotSent',
      message: 'META_UNAVAILABLE: down',
    });
    expect(
      parseSendHistoryLine(sendHistory.reconciledRejected('(#132001) Template name does not exist')),
    ).toEqual({
      kind: 'reconciledRejected',
      message: '(#132001) Template name does not exist',
    });
    expect(parseSendHistoryLine(sendHistory.outcomeExpired())).toEqual({ kind: 'outcomeExpired' });
    expect(parseSendHistoryLine(sendHistory.outcomeUnknown('UPSTREAM_TIMEOUT', 'no answer in 15 s'))).toEqual(
      {
        kind: 'outcomeUnknown',
        message: 'UPSTREAM_TIMEOUT: no answer in 15 s',
      },
    );
    expect(parseSendHistoryLine('outcome unknown; not retried to avoid a duplicate message')).toEqual({
      kind: 'outcomeUnknown',
      message: null,
    });
    expect(parseSendHistoryLine(sendHistory.paused('META_TOKEN_EXPIRED'))).toEqual({ kind: 'paused' });
    expect(parseSendHistoryLine(sendHistory.retry('META_UNAVAILABLE', 'Meta is down', DUE))).toEqual({
      kind: 'retry',
      code: 'META_UNAVAILABLE',
      message: 'Meta is down',
      retryAt: DUE.toISOString(),
    });
    expect(parseSendHistoryLine(sendHistory.failed('UPSTREAM_TIMEOUT', 'no answer', 5))).toEqual({
      kind: 'gaveUp',
      attempts: 5,
      code: 'UPSTREAM_TIMEOUT',
      message: 'no answer',
    });
    expect(parseSendHistoryLine(sendHistory.failed('META_REJECTED', 'bad: template'))).toEqual({
      kind: 'error',
      code: 'META_REJECTED',
      message: 'bad: template',
    });
    expect(parseSendHistoryLine(sendHistory.whatsapp('read'))).toEqual({
      kind: 'whatsappStatus',
      status: 'read',
    });
    expect(parseSendHistoryLine(sendHistory.whatsapp('Message undeliverable'))).toEqual({
      kind: 'whatsappError',
      message: 'Message undeliverable',
    });
    expect(parseSendHistoryLine(sendHistory.replied())).toEqual({ kind: 'replied' });
  });

  it('cancellations and skips: why, and what changed', () => {
    for (const [kind, text] of Object.entries(NOT_APPLICABLE_TEXTS)) {
      expect(parseSendHistoryLine(text)).toEqual({
        kind: 'notApplicable',
        why: { kind: kind as HistoryNotApplicableKind },
        cause: null,
      });
    }
    expect(
      parseSendHistoryLine(
        sendHistory.cancelled(sendHistory.leadStatusIs('won'), sendHistory.leadMoved('won')),
      ),
    ).toEqual({
      kind: 'notApplicable',
      why: { kind: 'leadStatus', value: 'won' },
      cause: { kind: 'leadMoved', status: 'won' },
    });
    expect(
      parseSendHistoryLine(
        sendHistory.cancelled(
          sendHistory.valueBelow(10.5, 100),
          sendHistory.opportunityChanged(['value', 'stage']),
        ),
      ),
    ).toEqual({
      kind: 'notApplicable',
      why: { kind: 'valueBelow', value: 10.5, bound: 100 },
      cause: { kind: 'opportunityChanged', fields: ['value', 'stage'] },
    });
    expect(
      parseSendHistoryLine(
        sendHistory.cancelled(
          sendHistory.deadlineMoved('2026-12-01T00:00:00.000Z'),
          sendHistory.deadlineMoved('2026-12-01T00:00:00.000Z'),
        ),
      ),
    ).toEqual({
      kind: 'notApplicable',
      why: { kind: 'deadlineMoved', deadline: '2026-12-01T00:00:00.000Z' },
      cause: { kind: 'deadlineMoved', deadline: '2026-12-01T00:00:00.000Z' },
    });
    expect(
      parseSendHistoryLine(
        sendHistory.cancelled(sendHistory.opportunityIs('won'), sendHistory.opportunityClosed(true)),
      ),
    ).toEqual({
      kind: 'notApplicable',
      why: { kind: 'opportunityStatus', status: 'won' },
      cause: { kind: 'opportunityClosed', won: true },
    });
    expect(
      parseSendHistoryLine(
        sendHistory.cancelled(sendHistory.leadNoLonger('qualified'), sendHistory.leadReassigned()),
      ),
    ).toEqual({
      kind: 'notApplicable',
      why: { kind: 'leadNoLonger', value: 'qualified' },
      cause: { kind: 'leadReassigned' },
    });
    expect(parseSendHistoryLine(sendHistory.leadSourceIs('csv_import'))).toEqual({
      kind: 'notApplicable',
      why: { kind: 'leadSource', value: 'csv_import' },
      cause: null,
    });
    expect(parseSendHistoryLine(sendHistory.valueAbove(900, 500))).toEqual({
      kind: 'notApplicable',
      why: { kind: 'valueAbove', value: 900, bound: 500 },
      cause: null,
    });
  });

  it('keeps a line it does not know as it came', () => {
    expect(parseSendHistoryLine('something new (with a reason)')).toEqual({
      kind: 'other',
      text: 'something new (with a reason)',
    });
  });
});
