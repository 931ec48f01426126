import { redactFields, scrubText } from "./log-redaction.js";

type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level | "silent", number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields (a request or conversation id) to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * JSON-lines logger on stderr. Tokens, keys and the configured `secrets` never reach a line, even
 * inside the text of an upstream error.
 */
export function createLogger(
  level: Level | "silent",
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  secrets: readonly string[] = [],
  context: Record<string, unknown> = {},
): Logger {
  const emit = (at: Level, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    const head = { time: new Date().toISOString(), level: at, msg: scrubText(msg, secrets) };
    let line: string;
    try {
      line = JSON.stringify({ ...head, ...redactFields({ ...context, ...fields }, secrets) });
    } catch {
      // A field JSON cannot hold (a BigInt) must not turn logging into a crash.
      line = JSON.stringify({ ...head, fields: "[unserialisable]" });
    }
    write(line);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(level, write, secrets, { ...context, ...fields }),
  };
}
