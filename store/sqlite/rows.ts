import { z } from "zod";
import { parseRecord } from "../../domain/index.js";

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/**
 * Rows hold a record's fields under the same names, with arrays as JSON text and booleans as 0/1.
 * Only the schema's fields are written, so a record carrying more never reaches the table.
 */
export function toRow(schema: z.ZodObject, record: object): Row {
  const values: Row = {};
  for (const [key, value] of Object.entries(record)) {
    if (!(key in schema.shape)) continue;
    values[key] = Array.isArray(value)
      ? JSON.stringify(value)
      : typeof value === "boolean"
        ? Number(value)
        : value;
  }
  return values;
}

function fromJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The record a row holds, checked against the record's schema. */
export function fromRow<S extends z.ZodObject>(schema: S, row: Row, table: string): z.output<S> {
  const values: Row = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = row[key];
    values[key] =
      field instanceof z.ZodArray && typeof value === "string"
        ? fromJson(value)
        : field instanceof z.ZodBoolean && typeof value === "number"
          ? value === 1
          : value;
  }
  return parseRecord(schema, values, `row in ${table}`);
}

const columnsOf = (schema: z.ZodObject) => Object.keys(schema.shape);

/** `INSERT INTO <table> (…) VALUES (@…)` for the schema's fields and any `extra` columns. */
export function insertSql(table: string, schema: z.ZodObject, extra: string[] = []): string {
  const columns = [...extra, ...columnsOf(schema)];
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`;
}

/** `UPDATE <table> SET …` of every field but the id, for the row with the record's id. */
export function updateSql(table: string, schema: z.ZodObject): string {
  const set = columnsOf(schema).filter((c) => c !== "id");
  return `UPDATE ${table} SET ${set.map((c) => `${c} = @${c}`).join(", ")} WHERE id = @id`;
}
