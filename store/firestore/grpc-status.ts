/** The gRPC status codes on Firestore errors that the adapters act on. */
export const UNKNOWN = 2;
export const DEADLINE_EXCEEDED = 4;
export const NOT_FOUND = 5;
export const ALREADY_EXISTS = 6;
export const RESOURCE_EXHAUSTED = 8;
export const FAILED_PRECONDITION = 9;
export const ABORTED = 10;
export const UNAVAILABLE = 14;

export function hasStatus(error: unknown, code: number): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

/**
 * A failure that may pass when tried again: contention or a lock that timed out (ABORTED), a
 * deadline, a quota, or the service out of reach.
 */
export function isTransient(error: unknown): boolean {
  return [ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE].some((code) =>
    hasStatus(error, code),
  );
}
