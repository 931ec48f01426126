const TICK_MS = 50;
// Each tick moves the average this far towards the lateness it saw: a lone stall (a garbage
// collection, a module loading) barely moves it, while a loop that stays late drags it up within
// a second or so.
const WEIGHT = 0.2;

/** How late the event loop has been to run a timer lately, as a moving average in ms. */
export class LoopDelay {
  private average = 0;
  private expected = performance.now() + TICK_MS;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.average += (Math.max(0, now - this.expected) - this.average) * WEIGHT;
      this.expected = now + TICK_MS;
    }, TICK_MS).unref();
  }

  get ms(): number {
    return this.average;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
