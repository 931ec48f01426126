import type { SoakResult } from "./soak.js";

const COLUMNS: [string, (r: SoakResult) => string][] = [
  ["store", (r) => r.store],
  ["kills (SIGKILL)", (r) => String(r.kills)],
  ["SIGTERMs", (r) => String(r.sigterms)],
  ["messages", (r) => String(r.messages)],
  ["failed turns", (r) => String(r.failedTurns)],
  ["lost", (r) => String(r.lost)],
  ["duplicated", (r) => String(r.duplicated)],
  ["partial missions", (r) => String(r.partialMissions)],
  ["stuck", (r) => String(r.stuck)],
  ["progress ≠ thread", (r) => String(r.progressMismatches)],
  [
    "ping / health p99 at saturation",
    (r) => `${r.pingP99Ms} / ${r.healthP99Ms} ms (${r.saturationLearners} learners)`,
  ],
];

/** The results as a Markdown table, one row per store. */
export function soakTable(results: SoakResult[]): string {
  const rows = [COLUMNS.map(([name]) => name), ...results.map((r) => COLUMNS.map(([, v]) => v(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  const [head, ...body] = rows;
  const notes = results
    .filter((r) => r.staleLock)
    .map(
      (r) =>
        `${r.store}: a lock left by a process killed inside a transaction got the learner an error after ` +
        `${(r.staleLock!.errorAfterMs / 1000).toFixed(1)} s; the conversation went on once it cleared, ` +
        `${(r.staleLock!.continuedAfterMs / 1000).toFixed(0)} s after the first try.`,
    );
  return [line(head!), rule, ...body.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}
