interface Bucket {
  tokens: number;
  at: number;
}

const SWEEP_ABOVE = 10_000;

/**
 * A token bucket per key: up to `perMinute` at once, refilled at `perMinute` a minute. A limit of 0
 * lets everything through.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: 0 when allowed, otherwise how many ms until one is available. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const tokens = this.tokensOf(key);
    if (tokens < 1) return Math.ceil(((1 - tokens) * 60_000) / this.perMinute);
    if (this.buckets.size > SWEEP_ABOVE) this.sweep();
    this.buckets.set(key, { tokens: tokens - 1, at: this.now() });
    return 0;
  }

  private tokensOf(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.perMinute;
    const refilled = ((this.now() - bucket.at) * this.perMinute) / 60_000;
    return Math.min(this.perMinute, bucket.tokens + refilled);
  }

  /** Forgets full buckets: a key seen again starts full anyway. */
  private sweep(): void {
    for (const key of [...this.buckets.keys()]) {
      if (this.tokensOf(key) >= this.perMinute) this.buckets.delete(key);
    }
  }
}
