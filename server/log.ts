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

const SECRET_KEYS = /token|cookie|secret|authorization|password|api_?key/i;

/** Field values under secret-looking keys never reach a log line. */
function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEYS.test(key)) out[key] = "[redacted]";
    else if (value instanceof Error) out[key] = value.message;
    else out[key] = value;
  }
  return out;
}

/** JSON-lines logger on stderr. */
export function createLogger(
  level: Level | "silent",
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  context: Record<string, unknown> = {},
): Logger {
  const emit = (at: Level, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    write(
      JSON.stringify({
        time: new Date().toISOString(),
        level: at,
        msg,
        ...redact({ ...context, ...fields }),
      }),
    );
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(level, write, { ...context, ...fields }),
  };
}
