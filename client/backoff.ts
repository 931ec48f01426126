export interface BackoffOptions {
  /** Delay before the first retry (default 500 ms). */
  initialDelayMs?: number;
  /** Upper bound of any delay (default 30 s). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Share of each delay that is random, 0–1 (default 0.5), so clients do not retry in step. */
  jitter?: number;
  /** Retries before giving up (default: never gives up). */
  maxAttempts?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/** Exponential backoff with jitter: attempt n waits about initial × factor^(n-1), capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.5, 0), 1);
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}
