import { randomUUID } from "node:crypto";

/** A 32-character hex id, as long as or longer than a Firestore auto id. */
export function newId(): string {
  return randomUUID().replaceAll("-", "");
}
