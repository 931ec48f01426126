import type { ChannelVersions } from "@langchain/langgraph-checkpoint";

type ChannelVersion = ChannelVersions[string];

/**
 * One part of a document id, percent-encoded so that it never holds "/" and never makes an id
 * Firestore reserves: a leading "." or "_" is encoded too, which rules out ".", ".." and `__…__`.
 */
export function encodeKey(part: string): string {
  return encodeURIComponent(part).replace(/^\./, "%2E").replace(/^_/, "%5F");
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}

/** A document id for a tuple of parts: encoding never produces "|", so distinct tuples never collide. */
export function compositeKey(...parts: string[]): string {
  return parts.map(encodeKey).join("|");
}

/** Numbers and strings stay distinct, so a version 1 never shares a blob with a version "1". */
export function versionKey(version: ChannelVersion): string {
  return typeof version === "number" ? `n${version}` : `s${version}`;
}
