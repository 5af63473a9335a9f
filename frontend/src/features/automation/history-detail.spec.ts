import { describe, expect, it } from 'vitest';
import { parseHistoryDetail } from './history-detail';

describe('parseHistoryDetail', () => {
  it('recognises every detail automation-service writes', () => {
    expect(parseHistoryDetail('lead created; follow-up due 2026-11-26T16:23:00.000Z')).toEqual({
      kind: 'scheduled',
      dueAt: '2026-11-26T16:23:00.000Z',
    });
    expect(parseHistoryDetail('triggered manually')).toEqual({ kind: 'manual' });
    expect(parseHistoryDetail('attempt 2')).toEqual({ kind: 'attempt', attempt: 2 });
    expect(parseHistoryDetail('accepted by WhatsApp')).toEqual({ kind: 'accepted' });
    expect(parseHistoryDetail('WhatsApp: delivered')).toEqual({ kind: 'whatsappStatus' });
    expect(parseHistoryDetail('WhatsApp: Message undeliverable')).toEqual({
      kind: 'whatsappError',
      message: 'Message undeliverable',
    });
    expect(parseHistoryDetail('the contact replied')).toEqual({ kind: 'replied' });
    expect(parseHistoryDetail('contact opted out')).toEqual({ kind: 'skipped', reason: 'optedOut' });
    expect(parseHistoryDetail('lead already contacted')).toEqual({
      kind: 'skipped',
      reason: 'alreadyContacted',
    });
    expect(parseHistoryDetail('META_UNAVAILABLE: Meta is down; retry at 2026-11-26T16:30:00.000Z')).toEqual({
      kind: 'retry',
      message: 'Meta is down',
      retryAt: '2026-11-26T16:30:00.000Z',
    });
    expect(parseHistoryDetail('gave up after 5 attempts: UPSTREAM_TIMEOUT: no answer')).toEqual({
      kind: 'gaveUp',
      attempts: 5,
      message: 'no answer',
    });
    expect(parseHistoryDetail('META_REJECTED: (#132001) Template name does not exist')).toEqual({
      kind: 'error',
      message: '(#132001) Template name does not exist',
    });
    expect(parseHistoryDetail('outcome unknown; not retried to avoid a duplicate message')).toEqual({
      kind: 'outcomeUnknown',
    });
  });

  it('keeps text it does not know as it came', () => {
    expect(parseHistoryDetail('something new')).toEqual({ kind: 'other', text: 'something new' });
  });
});
