/** The gRPC status codes on Firestore errors that the adapters act on. */
export const UNKNOWN = 2;
export const DEADLINE_EXCEEDED = 4;
export const NOT_FOUND = 5;
export const ALREADY_EXISTS = 6;

export function hasStatus(error: unknown, code: number): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
export const FAILED_PRECONDITION = 9;
export const ABORTED = 10;
export const UNAVAILABLE = 14;
