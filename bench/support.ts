/** Small helpers shared by the benchmarks: timing, percentiles and a bounded-concurrency runner. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export type LatencySummary = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  totalMs: number;
};

export function summarise(samplesMs: number[], totalMs: number): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    totalMs,
  };
}

/** Run `task` `total` times with at most `concurrency` in flight; returns each run's latency in ms. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<{ samples: number[]; totalMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return { samples, totalMs: performance.now() - started };
}

export function report(
  name: string,
  target: string,
  summary: LatencySummary,
  met: boolean,
  extra = '',
): void {
  const f = (n: number) => n.toFixed(1);
  process.stdout.write(
    `\n| ${name} | ${summary.count} | ${f(summary.p50)} | ${f(summary.p95)} | ${f(summary.p99)} | ${target} | ${met ? 'met' : 'NOT met'} | ${extra} |\n`,
  );
}
