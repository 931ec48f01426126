import { randomUUID } from "node:crypto";

// An id a proxy in front of the server already gave the request (X-Request-Id) is kept when it is
// short and plain, so one id follows the request through both logs; otherwise the server makes one.
const PLAIN_ID = /^[\w.:-]{1,128}$/;

/**
 * A new UUID in one piece. `randomUUID` builds it with `+`, which V8 keeps as a chain of 13
 * string pieces (416 bytes) until something reads it whole; a socket holds its request's id for as
 * long as it is open, and nothing ever does.
 */
const flatUUID = () => Buffer.from(randomUUID(), "latin1").toString("latin1");

export function requestId(fromProxy: string): string {
  return PLAIN_ID.test(fromProxy) ? fromProxy : flatUUID();
}
