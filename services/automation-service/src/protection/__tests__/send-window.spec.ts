import type { SendWindow } from '@crm/contracts';
import { DEFAULT_SEND_WINDOW } from '@crm/contracts';
import {
  WINDOW_SPREAD_MINUTES,
  describeDeferral,
  describeLocalTime,
  describeWindow,
  isInsideWindow,
  nextOpening,
  spreadSeconds,
} from '../send-window';

const MX = 'America/Mexico_City'; // UTC-6 all year since 2022 (no DST)
const NY = 'America/New_York';
const at = (iso: string): Date => new Date(iso);

describe('send windows', () => {
  it('Mexico City (no DST): Mon–Sat 09:00–20:00 local', () => {
    // Thursday 2026-11-26 10:00 local = 16:00Z
    expect(isInsideWindow(at('2026-11-26T16:00:00Z'), DEFAULT_SEND_WINDOW, MX)).toBe(true);
    // 08:59 local is before the opening; the next opening is 09:00 local the same day
    expect(nextOpening(at('2026-11-26T14:59:00Z'), DEFAULT_SEND_WINDOW, MX)).toEqual({
      at: at('2026-11-26T15:00:00Z'),
      closesAt: at('2026-11-27T02:00:00Z'),
      inside: false,
    });
    // 20:00 local closes: the next opening is Friday 09:00
    expect(nextOpening(at('2026-11-27T02:00:00Z'), DEFAULT_SEND_WINDOW, MX)?.at).toEqual(
      at('2026-11-27T15:00:00Z'),
    );
    // in April (US DST already on) Mexico City stays UTC-6
    expect(nextOpening(at('2026-04-15T14:00:00Z'), DEFAULT_SEND_WINDOW, MX)?.at).toEqual(
      at('2026-04-15T15:00:00Z'),
    );
  });

  it('skips the days the window is closed: Saturday 21:00 → Monday 09:00', () => {
    // Saturday 2026-11-28 21:00 local = Sunday 03:00Z; Sunday is not in the window
    expect(nextOpening(at('2026-11-29T03:00:00Z'), DEFAULT_SEND_WINDOW, MX)?.at).toEqual(
      at('2026-11-30T15:00:00Z'),
    );
    expect(isInsideWindow(at('2026-11-29T18:00:00Z'), DEFAULT_SEND_WINDOW, MX)).toBe(false);
  });

  it('follows DST in zones that have it (New York: 09:00 EST = 14:00Z, 09:00 EDT = 13:00Z)', () => {
    const weekdays: SendWindow = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    expect(nextOpening(at('2026-03-06T12:00:00Z'), weekdays, NY)?.at).toEqual(at('2026-03-06T14:00:00Z'));
    expect(nextOpening(at('2026-03-09T12:00:00Z'), weekdays, NY)?.at).toEqual(at('2026-03-09T13:00:00Z'));
    // Friday 17:30 before the switch → Monday after it
    expect(nextOpening(at('2026-03-06T22:30:00Z'), weekdays, NY)?.at).toEqual(at('2026-03-09T13:00:00Z'));
  });

  it('overnight windows run into the next day, by the day they open', () => {
    const nights: SendWindow = { days: [5], start: '22:00', end: '06:00' }; // Friday night only
    // Friday 2026-11-27 23:00 local (05:00Z Sat) is inside; Saturday 05:00 local (11:00Z) still inside
    expect(isInsideWindow(at('2026-11-28T05:00:00Z'), nights, MX)).toBe(true);
    expect(isInsideWindow(at('2026-11-28T11:00:00Z'), nights, MX)).toBe(true);
    // Saturday 06:00 local is closed; Saturday 23:00 too (Saturday does not open)
    expect(isInsideWindow(at('2026-11-28T12:00:00Z'), nights, MX)).toBe(false);
    expect(isInsideWindow(at('2026-11-29T05:00:00Z'), nights, MX)).toBe(false);
    // …and the next opening is the next Friday 22:00 local
    expect(nextOpening(at('2026-11-28T12:00:00Z'), nights, MX)).toEqual({
      at: at('2026-12-05T04:00:00Z'),
      closesAt: at('2026-12-05T12:00:00Z'),
      inside: false,
    });
  });

  it('start = end is the whole day; no days never opens', () => {
    const allDay: SendWindow = { days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '00:00' };
    expect(isInsideWindow(at('2026-11-29T08:00:00Z'), allDay, MX)).toBe(true);
    expect(
      nextOpening(at('2026-11-29T08:00:00Z'), { days: [], start: '09:00', end: '20:00' }, MX),
    ).toBeNull();
  });

  it('spreads moved sends over the first minutes after the opening, the same for the same send', () => {
    const opens = at('2026-11-27T15:00:00Z');
    const closes = at('2026-11-28T02:00:00Z');
    const ids = Array.from(
      { length: 200 },
      (_, i) => `0000000${i}-aaaa-bbbb-cccc-${String(i).padStart(12, '0')}`,
    );
    const delays = ids.map((id) => spreadSeconds(id, opens, closes));
    expect(Math.max(...delays)).toBeLessThan(WINDOW_SPREAD_MINUTES * 60);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(new Set(delays.map((d) => Math.floor(d / 60))).size).toBeGreaterThan(20);
    expect(spreadSeconds(ids[7], opens, closes)).toBe(delays[7]);
    // a 10-minute window spreads over 5 minutes at most
    expect(spreadSeconds(ids[7], opens, new Date(opens.getTime() + 600_000))).toBeLessThan(300);
  });

  it('describes a window for the history', () => {
    expect(describeWindow(DEFAULT_SEND_WINDOW, MX)).toBe(
      'Mon,Tue,Wed,Thu,Fri,Sat 09:00–20:00 America/Mexico_City',
    );
  });
});

describe('deferral wording', () => {
  it("says when a deferred send will go, on the recipient's wall clock", () => {
    // Monday 2026-11-30 15:07Z = 09:07 in Mexico City, 10:07 in Bogotá
    expect(describeLocalTime(at('2026-11-30T15:07:30Z'), MX)).toBe(
      'Mon 2026-11-30 09:07 America/Mexico_City',
    );
    expect(describeLocalTime(at('2026-11-30T15:07:30Z'), 'America/Bogota')).toBe(
      'Mon 2026-11-30 10:07 America/Bogota',
    );
    expect(describeDeferral(at('2026-11-30T15:07:30Z'), DEFAULT_SEND_WINDOW, MX)).toBe(
      'deferred to Mon 2026-11-30 09:07 America/Mexico_City: outside the send window (Mon,Tue,Wed,Thu,Fri,Sat 09:00–20:00 America/Mexico_City)',
    );
  });
});
