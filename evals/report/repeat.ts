import type { CaseResult } from "./results.js";

/**
 * One case run k times, as one result: it passes only if every run passed (pass^k), and it
 * errors only if every run errored. Its checks and trace are those of the first run that did
 * not pass (so the report shows why), or of the first run.
 */
export function combineRuns(runs: CaseResult[]): CaseResult {
  const [first] = runs;
  if (!first) throw new Error("combineRuns needs at least one run");
  const passed = runs.filter((run) => run.status === "pass").length;
  const shown = runs.find((run) => run.status !== "pass") ?? first;
  const status =
    passed === runs.length
      ? "pass"
      : runs.every((run) => run.status === "error")
        ? "error"
        : "fail";
  return {
    ...shown,
    status,
    duration_ms: runs.reduce((total, run) => total + run.duration_ms, 0),
    repeat: {
      k: runs.length,
      passed,
      runs: runs.map((run) => ({
        status: run.status,
        failed: run.checks.filter((check) => check.status === "fail").map((check) => check.name),
        duration_ms: run.duration_ms,
      })),
      pass_at_k: passed > 0,
      pass_hat_k: passed === runs.length,
    },
  };
}
