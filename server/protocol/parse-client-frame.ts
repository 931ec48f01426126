import type { z } from "zod";

export type ParsedFrame<T> = { ok: true; frame: T } | { ok: false; error: string };

const PREFIX = "Invalid message format: ";

/**
 * Parses one client frame. Every failure comes back as the text of an `error` frame, so no input
 * can throw past the socket handler. `textField` names the field that carries user text.
 */
export function parseClientFrame<S extends z.ZodType<{ type: string }>>(
  raw: string,
  schema: S,
  textField: "content" | "message",
): ParsedFrame<z.infer<S> & { text?: string }> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: PREFIX + "malformed JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: PREFIX + "expected a JSON object" };
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== "string")
    return { ok: false, error: PREFIX + "missing required field 'type'" };
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === "invalid_union") {
      return { ok: false, error: PREFIX + `Unknown message type: ${type.slice(0, 64)}` };
    }
    const field = issue?.path.join(".") || "frame";
    return { ok: false, error: PREFIX + `invalid field '${field}'` };
  }
  const frame = parsed.data as z.infer<S> & { content?: string; message?: string };
  if (frame.type !== "user_message") return { ok: true, frame };
  const value = frame[textField] ?? frame.content ?? frame.message;
  if (typeof value !== "string" || value.trim() === "") {
    return { ok: false, error: PREFIX + `missing required field '${textField}'` };
  }
  return { ok: true, frame: { ...frame, text: value } };
}
