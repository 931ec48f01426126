/**
 * The store could not complete a call within its time budget, because it is contended or holds a
 * stale lock (left by a process killed inside a transaction). The same call can succeed later.
 */
export class StoreBusyError extends Error {
  override name = "StoreBusyError";
}

/** Whether `error`, or anything it wraps, is a `StoreBusyError`. */
export function isStoreBusy(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof StoreBusyError) return true;
    if (e instanceof AggregateError && e.errors.some(isStoreBusy)) return true;
  }
  return false;
}

/**
 * A write carried the fencing token of a conversation lease that another owner has since taken
 * over (or that was released). The write was not applied.
 */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(key: string, token: number) {
    super(`the lease on ${key} is no longer held with token ${token}`);
  }
}

/** Whether `error`, or anything it wraps, is a `LeaseLostError`. */
export function isLeaseLost(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof LeaseLostError) return true;
    if (e instanceof AggregateError && e.errors.some(isLeaseLost)) return true;
  }
  return false;
}
