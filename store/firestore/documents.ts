import { Timestamp, type DocumentData, type DocumentSnapshot } from "firebase-admin/firestore";
import type { z } from "zod";
import { parseRecord } from "../../domain/index.js";

/**
 * Documents hold a record's fields under the same names, but for `id`, which is the document's
 * id, and for times: the records' ISO-8601 strings (every field named `*_at`) are Firestore
 * timestamps. Only the schema's fields are written.
 */
export function toDocument(schema: z.ZodObject, record: object): DocumentData {
  const data: DocumentData = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === "id" || !(key in schema.shape)) continue;
    data[key] =
      key.endsWith("_at") && typeof value === "string"
        ? Timestamp.fromDate(new Date(value))
        : value;
  }
  return data;
}

/** The record a document holds, checked against the record's schema. */
export function fromDocument<S extends z.ZodObject>(
  schema: S,
  snapshot: DocumentSnapshot,
): z.output<S> {
  const values: Record<string, unknown> = "id" in schema.shape ? { id: snapshot.id } : {};
  for (const [key, value] of Object.entries(snapshot.data() ?? {})) {
    values[key] = value instanceof Timestamp ? value.toDate().toISOString() : value;
  }
  return parseRecord(schema, values, `document ${snapshot.ref.path}`);
}

/** The fields `after` changed, for an update that leaves every other field as it was. */
export function changedFields<T extends object>(before: T, after: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(after).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(before[key as keyof T]),
    ),
  ) as Partial<T>;
}
