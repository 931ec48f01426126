/** Where the stores read the time. Tests pass a clock they move by hand instead of waiting. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The clock's time as the records keep it: ISO-8601 in UTC. */
export function isoNow(clock: Clock): string {
  return clock().toISOString();
}
