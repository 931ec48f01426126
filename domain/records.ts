import type { z } from "zod";

/**
 * Reads a stored record against its schema, failing with where it came from and which fields
 * are wrong rather than handing on a malformed record.
 */
export function parseRecord<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "record"))];
  throw new Error(`Malformed ${where}: ${fields.join(", ")}`);
}
