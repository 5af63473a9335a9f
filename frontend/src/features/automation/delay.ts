export const DELAY_UNITS = ['seconds', 'minutes', 'hours', 'days'] as const;
export type DelayUnit = (typeof DELAY_UNITS)[number];

export const SECONDS_PER_UNIT: Record<DelayUnit, number> = {
  seconds: 1,
  minutes: 60,
  hours: 3600,
  days: 86_400,
};

export type Delay = { value: number; unit: DelayUnit };

export function isDelayUnit(value: string): value is DelayUnit {
  return (DELAY_UNITS as readonly string[]).includes(value);
}

/** The largest unit that expresses the delay exactly (5400 s → 90 minutes, 7200 s → 2 hours, 604800 s → 7 days). */
export function delayFromSeconds(seconds: number): Delay {
  for (const unit of [...DELAY_UNITS].reverse()) {
    const size = SECONDS_PER_UNIT[unit];
    if (seconds > 0 && seconds % size === 0) return { value: seconds / size, unit };
  }
  return { value: seconds, unit: 'seconds' };
}

export function delayToSeconds(delay: Delay): number {
  return delay.value * SECONDS_PER_UNIT[delay.unit];
}
