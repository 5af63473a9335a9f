import {
  LIST_TOTAL_CAP,
  sendHistory,
  type AutomationLiveEvent,
  type AutomationLogView,
  type Page,
} from '@crm/contracts/browser';
import { describe, expect, it } from 'vitest';
import { applyLiveEvent, newSendDueAt } from './live-sends';
import type { LogFilters } from './log-filters';

const MEXICO = 'America/Mexico_City';
const ALL: LogFilters = { page: 1, pageSize: 25 };
const NONE = new Set<string>();

function log(overrides: Partial<AutomationLogView> = {}): AutomationLogView {
  return {
    id: 'send-1',
    ruleKey: 'lead_followup',
    leadId: 'lead-1',
    leadName: 'Lucía',
    phone: null,
    templateName: null,
    templateLanguage: null,
    status: 'scheduled',
    wamid: null,
    error: null,
    scheduledFor: '2026-03-02T18:00:00.000Z',
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    repliedAt: null,
    history: [{ status: 'scheduled', at: '2026-03-02T16:30:00.000Z', detail: 'triggered manually' }],
    ...overrides,
  };
}

function pageOf(items: AutomationLogView[], total: number, totalCapped = false): Page<AutomationLogView> {
  return { items, total, totalCapped, page: 1, pageSize: 25 };
}

function event(overrides: Partial<AutomationLiveEvent> = {}): AutomationLiveEvent {
  return {
    tenantId: 't',
    sendId: 'send-9',
    ruleKey: 'lead_followup',
    leadId: 'lead-9',
    status: 'scheduled',
    at: '2026-03-02T17:00:00.000Z',
    // As automation-service writes it (rule-engine, sendHistory.scheduled).
    detail: sendHistory.scheduled('lead.created', new Date('2026-03-02T18:30:00.000Z')),
    ...overrides,
  };
}

describe('newSendDueAt', () => {
  it('knows a new send by its first line, and when it is due', () => {
    expect(newSendDueAt(event())).toBe('2026-03-02T18:30:00.000Z');
    expect(newSendDueAt(event({ detail: sendHistory.manual() }))).toBe('2026-03-02T17:00:00.000Z');
    expect(newSendDueAt(event({ detail: sendHistory.manualResend('send-1') }))).toBe(
      '2026-03-02T17:00:00.000Z',
    );
  });

  it('is null for any other transition', () => {
    expect(newSendDueAt(event({ status: 'sending', detail: 'attempt 1' }))).toBeNull();
    expect(newSendDueAt(event({ detail: 'rule timing changed; due 2026-03-02T19:00:00.000Z' }))).toBeNull();
    expect(newSendDueAt(event({ detail: null }))).toBeNull();
  });
});

describe('applyLiveEvent: the total counts the sends that match the filters', () => {
  it('counts a new matching send once and reads the page again to show it', () => {
    const first = applyLiveEvent(pageOf([log()], 1), ALL, event(), NONE, MEXICO);
    expect(first.page.total).toBe(2);
    expect(first.refetch).toBe(true);
    expect(first.countedNew).toBe('send-9');
    // The same creation heard again (a reconnect without event ids): not counted twice.
    const again = applyLiveEvent(first.page, ALL, event(), new Set(['send-9']), MEXICO);
    expect(again.page.total).toBe(2);
    expect(again.refetch).toBe(false);
  });

  it('leaves a capped count ("more than 10,000") as it is, and still reads the page again', () => {
    const capped = pageOf([log()], LIST_TOTAL_CAP, true);
    const change = applyLiveEvent(capped, ALL, event(), NONE, MEXICO);
    expect([change.page.total, change.page.totalCapped, change.refetch]).toEqual([
      LIST_TOTAL_CAP,
      true,
      true,
    ]);
  });

  it('changes nothing for a new send the filters hide (rule, status or day)', () => {
    const page = pageOf([log()], 1);
    for (const filters of [
      { ...ALL, ruleKey: 'post_sale_feedback' },
      { ...ALL, status: 'sent' as const },
      { ...ALL, day: '2026-03-03' },
    ]) {
      const change = applyLiveEvent(page, filters, event(), NONE, MEXICO);
      expect(change).toEqual({ page, refetch: false });
    }
    // Due on the filtered day (12:30 in Mexico City): counted.
    expect(applyLiveEvent(page, { ...ALL, day: '2026-03-02' }, event(), NONE, MEXICO).page.total).toBe(2);
  });

  it('never counts an update of a send on the page as a new one', () => {
    const page = pageOf([log()], 1);
    const change = applyLiveEvent(
      page,
      ALL,
      event({ sendId: 'send-1', status: 'sending', at: '2026-03-02T18:00:01.000Z', detail: 'attempt 1' }),
      NONE,
      MEXICO,
    );
    expect(change.page.total).toBe(1);
    expect(change.page.items[0]!.status).toBe('sending');
    expect(change.refetch).toBe(false);
    // Its creation line heard late (already in its history): nothing changes.
    const late = applyLiveEvent(
      page,
      ALL,
      event({ sendId: 'send-1', at: '2026-03-02T16:30:00.000Z', detail: 'triggered manually' }),
      NONE,
      MEXICO,
    );
    expect(late.page).toBe(page);
  });

  it('takes a send that moves out of the filters out of the total, and back when it returns', () => {
    const filters = { ...ALL, status: 'scheduled' as const };
    const page = pageOf([log(), log({ id: 'send-2' })], 2);
    const out = applyLiveEvent(
      page,
      filters,
      event({ sendId: 'send-1', status: 'sending', at: '2026-03-02T18:00:01.000Z', detail: 'attempt 1' }),
      NONE,
      MEXICO,
    );
    expect(out.page.total).toBe(1);
    const back = applyLiveEvent(
      out.page,
      filters,
      event({
        sendId: 'send-1',
        status: 'scheduled',
        at: '2026-03-02T18:00:02.000Z',
        detail: sendHistory.retry('META_UNAVAILABLE', 'down', new Date('2026-03-02T18:05:00.000Z')),
      }),
      NONE,
      MEXICO,
    );
    expect(back.page.total).toBe(2);
  });

  it('asks the API about a transition of a send on another page, unless its rule is filtered out', () => {
    const page = pageOf([log()], 30);
    const elsewhere = event({ sendId: 'send-40', status: 'delivered', detail: 'WhatsApp: delivered' });
    expect(applyLiveEvent(page, ALL, elsewhere, NONE, MEXICO)).toEqual({ page, refetch: true });
    expect(applyLiveEvent(page, { ...ALL, ruleKey: 'post_sale_feedback' }, elsewhere, NONE, MEXICO)).toEqual({
      page,
      refetch: false,
    });
  });
});
