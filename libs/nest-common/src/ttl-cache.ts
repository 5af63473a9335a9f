export type TtlCacheOptions = {
  /** How long an entry is served after it was read (from when its load started); `Infinity`: until evicted. */
  ttlMs: number;
  /** Entries kept at most; beyond it the least recently used goes. */
  maxEntries: number;
  /** The clock (tests pass their own). */
  now?: () => number;
};

type Entry<V> = { value: V; at: number };

/**
 * A small per-process cache: bounded (least recently used evicted), each entry served for `ttlMs`, and `getOrLoad`
 * sharing one load among concurrent callers of a key. A failed load is not kept; a load that started before a `set`
 * or `delete` of its key does not overwrite what was set (or bring back what was deleted).
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Loads under way; a `set` or `delete` of the key forgets its load, whose answer is then not kept. */
  private readonly loading = new Map<K, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('TtlCache: maxEntries must be at least 1');
    if (!(options.ttlMs >= 0)) throw new RangeError('TtlCache: ttlMs must not be negative');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key's value while fresh (it becomes the most recently used), else undefined. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.loading.delete(key);
    this.put(key, value, this.now());
  }

  delete(key: K): void {
    this.loading.delete(key);
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  /**
   * The key's fresh value, or the load under way for it, or a new load (kept once it resolves; its age counts from
   * when it started).
   */
  getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at <= this.options.ttlMs) return Promise.resolve(this.get(key) as V);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const startedAt = this.now();
    const loaded = (async () => load())().then(
      (value) => {
        if (this.loading.get(key) === loaded) {
          this.loading.delete(key);
          this.put(key, value, startedAt);
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  private put(key: K, value: V, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }
}
