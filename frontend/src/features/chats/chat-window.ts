const HOUR_MS = 3600 * 1000;

/** Whole hours until the window closes, rounded up (0 when it is closed or has no end). */
export function hoursLeft(windowEndsAt: string | null, now: number = Date.now()): number {
  if (!windowEndsAt) return 0;
  const left = Date.parse(windowEndsAt) - now;
  return left > 0 ? Math.ceil(left / HOUR_MS) : 0;
}

/** The text of a template body with `{{n}}` replaced by the given values (blank ones left as `{{n}}`). */
export function fillTemplate(body: string, values: readonly string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (placeholder, n: string) => {
    const value = values[Number(n) - 1]?.trim();
    return value ? value : placeholder;
  });
}
