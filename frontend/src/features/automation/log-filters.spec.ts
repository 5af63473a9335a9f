import type { AutomationLogView } from '@crm/contracts/browser';
import { describe, expect, it } from 'vitest';
import { matchesLogFilters } from './log-filters';

const MEXICO = 'America/Mexico_City';

function log(overrides: Partial<AutomationLogView> = {}): AutomationLogView {
  return {
    id: 'send-1',
    ruleKey: 'lead_followup',
    leadId: 'lead-1',
    leadName: 'Lucía',
    phone: null,
    templateName: null,
    templateLanguage: null,
    status: 'sent',
    wamid: null,
    error: null,
    scheduledFor: '2026-03-02T15:00:00.000Z',
    sentAt: '2026-03-02T15:00:05.000Z',
    deliveredAt: null,
    readAt: null,
    repliedAt: null,
    history: [],
    ...overrides,
  };
}

describe('matchesLogFilters', () => {
  const all = { page: 1, pageSize: 25 };

  it('keeps every row without filters', () => {
    expect(matchesLogFilters(log(), all, MEXICO)).toBe(true);
  });

  it('drops a row whose status or rule no longer matches', () => {
    expect(matchesLogFilters(log({ status: 'delivered' }), { ...all, status: 'sent' }, MEXICO)).toBe(false);
    expect(matchesLogFilters(log(), { ...all, status: 'sent' }, MEXICO)).toBe(true);
    expect(matchesLogFilters(log(), { ...all, ruleKey: 'post_sale_feedback' }, MEXICO)).toBe(false);
  });

  it('reads the day in the tenant timezone: sent that day, else due that day', () => {
    // 05:30 UTC on 3 March is 23:30 on 2 March in Mexico City.
    const late = log({ sentAt: '2026-03-03T05:30:00.000Z' });
    expect(matchesLogFilters(late, { ...all, day: '2026-03-02' }, MEXICO)).toBe(true);
    expect(matchesLogFilters(late, { ...all, day: '2026-03-03' }, MEXICO)).toBe(false);
    const due = log({ status: 'scheduled', sentAt: null, scheduledFor: '2026-03-03T06:30:00.000Z' });
    expect(matchesLogFilters(due, { ...all, day: '2026-03-03' }, MEXICO)).toBe(true);
    expect(matchesLogFilters(due, { ...all, day: '2026-03-02' }, MEXICO)).toBe(false);
  });
});
