/**
 * The next setter after `last` in a stable order (ids ascending), wrapping around; the first when `last` is null or
 * no longer an active setter's successor. Null when there are no active setters.
 */
export function nextInRotation(activeIds: readonly string[], last: string | null): string | null {
  if (activeIds.length === 0) return null;
  const sorted = [...activeIds].sort();
  if (last === null) return sorted[0];
  return sorted.find((id) => id > last) ?? sorted[0];
}
