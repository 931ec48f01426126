/** A frame as it crossed the wire, parsed from JSON. */
export type Frame = { type: string } & Record<string, unknown>;

/** Everything that crossed a case's sockets, in order, tagged with connection and case step. */
export type LogEntry =
  | { conn: number; step: number; from: "client" | "server"; frame: Frame }
  | { conn: number; step: number; closed: { code: number; reason: string } };

/** What the server sent when it was not a JSON frame with a `type`. */
const UNPARSEABLE = "(not a JSON frame)";

export function parseServerFrame(text: string): Frame {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object" && "type" in value) {
      const frame = value as Record<string, unknown>;
      if (typeof frame.type === "string") return frame as Frame;
    }
  } catch {
    // Reported below as an unparseable frame.
  }
  return { type: UNPARSEABLE, raw: text.slice(0, 500) };
}

export const isServerFrame = (
  entry: LogEntry,
): entry is Extract<LogEntry, { frame: Frame }> & { from: "server" } =>
  "frame" in entry && entry.from === "server";
