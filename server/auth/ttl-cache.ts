export interface TtlCacheOptions {
  /** How long an entry lives; 0 turns the cache off. */
  ttlMs: number;
  /** The most entries kept; the least recently used goes first. 0 turns the cache off. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A map whose entries expire, bounded in size by evicting the least recently used. */
export class TtlCache<V> {
  // A Map iterates in insertion order, so re-inserting on every hit keeps the oldest use first.
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` for the TTL, or only until `notAfter` (ms since the epoch) if that is sooner. */
  set(key: string, value: V, notAfter = Infinity): void {
    if (this.options.ttlMs <= 0 || this.options.maxEntries <= 0) return;
    const now = this.now();
    const expiresAt = Math.min(now + this.options.ttlMs, notAfter);
    if (expiresAt <= now) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) {
      if (matches(entry.value)) this.entries.delete(key);
    }
  }
}
