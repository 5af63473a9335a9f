import type { JsonText } from '@crm/contracts';
import { metricsRegistry } from '@crm/nest-common';
import { Counter, Gauge } from 'prom-client';

export type ReportCacheKind = 'report' | 'roi';

/**
 * What a cached text was computed from besides its key: the read model's version (read before its sums) and Meta's
 * answer as one string (connection, ad account, `fetchedAt`, currency).
 */
export type ReportSource = { version: string; answer: string };

type Entry = ReportSource & { text: string };

const answered = new Counter({
  name: 'crm_report_cache_requests_total',
  help:
    'Marketing reports (kind report|roi) answered from the per-version cache (hit), by joining an identical build ' +
    'under way (joined), by a build that is then cached (built), or built and not cached (uncached: Meta stale or ' +
    'failing, or the cache off)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

const heldBytes = new Gauge({
  name: 'crm_report_cache_bytes',
  help: 'Characters of report JSON held by the per-version report caches of this process',
  registers: [metricsRegistry],
});

/**
 * The serialised reports of this process, one entry per (kind, tenant, view, resolved range) — an older version or
 * Meta answer of the same key is replaced, never served: an entry is served only to a request whose read-model
 * version and Meta answer are exactly the entry's. Bounded by the total length of the texts (`maxChars`; one
 * character is one byte for the mostly ASCII JSON, which V8 keeps one byte per character), least recently used
 * evicted; 0 turns it off. Concurrent requests of the same key and source share one build. Each replica keeps its
 * own: every request reads the version itself, so replicas need no invalidation messages.
 */
export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  private readonly builds = new Map<string, Promise<string>>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The key has an entry of this version (Meta's answer still unknown): reading the sums ahead is likely wasted. */
  holds(key: string, version: string): boolean {
    return this.entries.get(key)?.version === version;
  }

  /** The text of `key` computed from `source`: cached, or the identical build under way, or `build` (then cached). */
  getOrBuild<T>(
    kind: ReportCacheKind,
    key: string,
    source: ReportSource,
    build: () => Promise<JsonText<T>>,
  ): Promise<JsonText<T>> {
    if (this.maxChars === 0) return this.uncached(kind, build);
    const entry = this.entries.get(key);
    if (entry && entry.version === source.version && entry.answer === source.answer) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      answered.inc({ kind, outcome: 'hit' });
      return Promise.resolve(entry.text as JsonText<T>);
    }
    const id = `${key}\n${source.version}\n${source.answer}`;
    const running = this.builds.get(id);
    if (running) {
      answered.inc({ kind, outcome: 'joined' });
      return running as Promise<JsonText<T>>;
    }
    answered.inc({ kind, outcome: 'built' });
    const built = build()
      .then((text) => {
        this.put(key, { ...source, text });
        return text;
      })
      .finally(() => this.builds.delete(id));
    this.builds.set(id, built);
    return built;
  }

  /** A text that must not be cached (computed from a stale or missing Meta answer). */
  uncached<T>(kind: ReportCacheKind, build: () => Promise<JsonText<T>>): Promise<JsonText<T>> {
    answered.inc({ kind, outcome: 'uncached' });
    return build();
  }

  private put(key: string, entry: Entry): void {
    this.remove(key);
    if (entry.text.length > this.maxChars) return;
    this.entries.set(key, entry);
    this.chars += entry.text.length;
    heldBytes.inc(entry.text.length);
    while (this.chars > this.maxChars) this.remove(this.entries.keys().next().value as string);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.text.length;
    heldBytes.dec(entry.text.length);
  }
}
