import { randomUUID } from "node:crypto";

// An id a proxy in front of the server already gave the request (X-Request-Id) is kept when it is
// short and plain, so one id follows the request through both logs; otherwise the server makes one.
const PLAIN_ID = /^[\w.:-]{1,128}$/;

export function requestId(fromProxy: string): string {
  return PLAIN_ID.test(fromProxy) ? fromProxy : randomUUID();
}
