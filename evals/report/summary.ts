import { CHECK_NAMES } from "../scorers/check.js";
import type { CaseResult, CheckCounts, RunSummary } from "./results.js";

/** Counts of cases by result and of each check by verdict. */
export function summarise(cases: CaseResult[]): RunSummary {
  const checks = Object.fromEntries(
    CHECK_NAMES.map((name) => [name, { pass: 0, fail: 0, skipped: 0 }]),
  ) as CheckCounts;
  for (const result of cases)
    for (const check of result.checks) checks[check.name][check.status] += 1;
  return {
    cases: cases.length,
    passed: cases.filter((c) => c.status === "pass").length,
    failed: cases.filter((c) => c.status === "fail").length,
    errors: cases.filter((c) => c.status === "error").length,
    checks,
  };
}
