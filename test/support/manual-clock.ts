import type { Clock } from "../../domain/index.js";

/** A clock that stands still until a test moves it, so that the order of writes is the test's. */
export class ManualClock {
  private time: number;

  constructor(start = "2026-01-05T09:00:00.000Z") {
    this.time = Date.parse(start);
  }

  readonly now: Clock = () => new Date(this.time);

  advance(ms = 1_000): void {
    this.time += ms;
  }
}
