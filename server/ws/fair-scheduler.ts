import { AsyncLocalStorage } from "node:async_hooks";

interface Waiting {
  owner: string;
  resume: () => void;
}

interface Usage {
  slices: number;
  at: number;
}

const HALF_LIFE_MS = 10_000;
const SWEEP_ABOVE = 1_000;

/**
 * Shares the event loop between turns. A turn runs in the scope of its learner, and before each
 * store call it yields: the loop serves other I/O first (health checks, pings, new frames), then
 * resumes the waiting turn of the learner who has used the fewest slices of the loop lately. So
 * SQLite's synchronous calls never starve the server, and a learner who floods it slows down only
 * their own turns.
 */
export class FairScheduler {
  private readonly scope = new AsyncLocalStorage<string>();
  private readonly waiting: Waiting[] = [];
  private readonly usage = new Map<string, Usage>();
  private wakeScheduled = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `work` as a turn of `owner`; the yields inside it take turns with other owners'. */
  run<T>(owner: string, work: () => Promise<T>): Promise<T> {
    return this.scope.run(owner, work);
  }

  /** Inside a turn, waits for I/O and fairer turns to go first; elsewhere returns at once. */
  readonly yield = (): Promise<void> => {
    const owner = this.scope.getStore();
    if (owner === undefined) return Promise.resolve();
    this.charge(owner);
    return new Promise((resume) => {
      this.waiting.push({ owner, resume });
      this.wake();
    });
  };

  private wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    // setImmediate runs after the loop has polled for I/O, so pending requests go first.
    setImmediate(() => this.resumeOne());
  }

  /** Resumes one waiting turn per pass of the loop: the least-served owner's, oldest first. */
  private resumeOne(): void {
    this.wakeScheduled = false;
    let best = -1;
    let bestSlices = Infinity;
    for (let i = 0; i < this.waiting.length; i++) {
      const slices = this.slicesOf(this.waiting[i]!.owner);
      if (slices < bestSlices) [best, bestSlices] = [i, slices];
    }
    const [next] = best < 0 ? [] : this.waiting.splice(best, 1);
    if (this.waiting.length > 0) this.wake();
    next?.resume();
  }

  private slicesOf(owner: string): number {
    const usage = this.usage.get(owner);
    if (!usage) return 0;
    return usage.slices * 0.5 ** ((this.now() - usage.at) / HALF_LIFE_MS);
  }

  private charge(owner: string): void {
    if (this.usage.size > SWEEP_ABOVE) {
      for (const key of [...this.usage.keys()]) {
        if (this.slicesOf(key) < 0.5) this.usage.delete(key);
      }
    }
    this.usage.set(owner, { slices: this.slicesOf(owner) + 1, at: this.now() });
  }
}
