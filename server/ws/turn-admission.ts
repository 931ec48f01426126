import { LoopDelay } from "./loop-delay.js";
import { RateLimiter } from "./rate-limiter.js";

export interface AdmissionLimits {
  /** Turns one user may start a minute, over all their sockets; 0 for no limit. */
  turnsPerMinute: number;
  /** Turns running at once on this server (each socket runs one at a time) before it is busy. */
  maxRunningTurns: number;
  /** An average event-loop delay above this makes the server busy too; 0 leaves it out. */
  busyEventLoopDelayMs: number;
}

/** Why a learner's message was not queued: the text of its `error` frame, and when to retry. */
export interface Refusal {
  code: "busy" | "rate_limited";
  message: string;
  retryAfterMs: number;
}

const BUSY_RETRY_MS = 1_000;

/**
 * Decides at once whether a new turn may wait for its socket, so that a saturated server answers
 * "busy, retry" instead of letting turns pile up until everyone waits. The server is saturated
 * while `maxRunningTurns` turns are running, or while its event loop keeps running later than
 * `busyEventLoopDelayMs` (on average over about a second: a lone stall does not count).
 */
export class TurnAdmission {
  private running = 0;
  private readonly rate: RateLimiter;
  private readonly loop = new LoopDelay();

  constructor(private readonly limits: AdmissionLimits) {
    this.rate = new RateLimiter(limits.turnsPerMinute);
  }

  /** Admits a turn of `owner`, which spends one of their turns this minute, or says why not. */
  admit(owner: string): Refusal | undefined {
    if (this.saturated()) {
      return {
        code: "busy",
        message:
          "The server is busy right now, so this message was not processed. Please send it again in a moment.",
        retryAfterMs: BUSY_RETRY_MS,
      };
    }
    const wait = this.rate.take(owner);
    if (wait === 0) return undefined;
    return {
      code: "rate_limited",
      message: `You are sending messages faster than ${this.limits.turnsPerMinute} a minute, so this one was not processed. Please wait ${Math.ceil(wait / 1000)} s and send it again.`,
      retryAfterMs: wait,
    };
  }

  saturated(): boolean {
    const { maxRunningTurns, busyEventLoopDelayMs } = this.limits;
    return (
      this.running >= maxRunningTurns ||
      (busyEventLoopDelayMs > 0 && this.loop.ms > busyEventLoopDelayMs)
    );
  }

  /** Counts the turn as running while `work` runs. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
    }
  }

  stop(): void {
    this.loop.stop();
  }
}
