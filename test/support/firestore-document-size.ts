import { DocumentReference, GeoPoint, Timestamp } from "firebase-admin/firestore";

/** Firestore's maximum document size. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

const stringSize = (value: string) => Buffer.byteLength(value) + 1;

/** The stored size of a document name, by Firestore's published storage-size rules. */
function nameSize(path: string): number {
  return path.split("/").reduce((sum, segment) => sum + stringSize(segment), 16);
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "number" || value instanceof Timestamp) return 8;
  if (typeof value === "string") return stringSize(value);
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof GeoPoint) return 16;
  if (value instanceof DocumentReference) return nameSize(value.path);
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + valueSize(item), 0);
  if (typeof value === "object") return mapSize(value as Record<string, unknown>);
  throw new Error(`No Firestore size for ${typeof value}`);
}

function mapSize(map: Record<string, unknown>): number {
  return Object.entries(map).reduce(
    (sum, [key, value]) => sum + stringSize(key) + valueSize(value),
    0,
  );
}

/**
 * The stored size of a document, by Firestore's published rules: its name, each field name and
 * value, plus 32 bytes. A document must stay at or under `MAX_DOCUMENT_BYTES`.
 */
export function documentSize(path: string, data: Record<string, unknown>): number {
  return nameSize(path) + mapSize(data) + 32;
}
