import type { Logger } from "./log.js";

const stackOf = (err: unknown) =>
  err instanceof Error ? err.stack?.split("\n").slice(0, 8).join("\n") : undefined;

/**
 * Logs an exception or rejection nothing caught, and keeps the process serving: one bad path must
 * not take every learner's conversation down with it.
 */
export function keepServingThroughUncaughtErrors(log: Logger): void {
  process.on("uncaughtException", (err, origin) => {
    log.error("uncaught exception; still serving", { origin, error: err, stack: stackOf(err) });
  });
  process.on("unhandledRejection", (reason) => {
    log.error("unhandled rejection; still serving", { error: reason, stack: stackOf(reason) });
  });
}
