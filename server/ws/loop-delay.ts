const TICK_MS = 50;
// Each tick keeps this share of the worst delay seen so far: a stall fades from view within about
// half a second once the loop is fast again.
const FADE = 0.7;

/** How late the event loop has lately been to run a timer, in ms. */
export class LoopDelay {
  private recent = 0;
  private expected = performance.now() + TICK_MS;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.recent = Math.max(now - this.expected, this.recent * FADE);
      this.expected = now + TICK_MS;
    }, TICK_MS).unref();
  }

  /** The worst recent delay, counting a tick that is overdue right now. */
  get ms(): number {
    return Math.max(this.recent, performance.now() - this.expected);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
