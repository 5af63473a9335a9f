import type { AutomationFunnel, RateCount } from '@crm/contracts';

/** Counts of one group of sends, as the funnels query returns them. */
export type FunnelCounts = {
  key: string;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  optedOut: number;
  converted: number;
  failedByReason: { reason: string; count: number }[];
};

/** `count / base`, or null when there is no base (the page shows "—", never "0 %" or "100 %" of nothing). */
export function rateOf(count: number, base: number): RateCount {
  return { count, rate: base > 0 ? count / base : null };
}

/**
 * Counts → funnel with the documented denominators: delivered, read, replied, opted out and converted over the sends
 * that reached WhatsApp (`sent`); failed over the sends that ended (sent + failed). The query never counts a failed
 * send as sent or delivered, so no rate can pass 100 %.
 */
export function toFunnel(counts: FunnelCounts): AutomationFunnel {
  return {
    key: counts.key,
    queued: counts.queued,
    sent: counts.sent,
    delivered: rateOf(counts.delivered, counts.sent),
    read: rateOf(counts.read, counts.sent),
    replied: rateOf(counts.replied, counts.sent),
    failed: rateOf(counts.failed, counts.sent + counts.failed),
    failedByReason: [...counts.failedByReason].sort(
      (a, b) => b.count - a.count || a.reason.localeCompare(b.reason),
    ),
    optedOut: rateOf(counts.optedOut, counts.sent),
    converted: rateOf(counts.converted, counts.sent),
  };
}

export function emptyCounts(key: string): FunnelCounts {
  return {
    key,
    queued: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    failed: 0,
    optedOut: 0,
    converted: 0,
    failedByReason: [],
  };
}

/** Every day from `from` to `to` (inclusive, YYYY-MM-DD), so the chart has no gaps. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end && days.length <= 400; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}
