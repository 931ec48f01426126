import { CHECK_NAMES } from "../scorers/check.js";
import type { CaseResult, CheckCounts, RunSummary } from "./results.js";

/** Counts of cases by result and of each check by verdict, and pass@k and pass^k when repeated. */
export function summarise(cases: CaseResult[]): RunSummary {
  const checks = Object.fromEntries(
    CHECK_NAMES.map((name) => [name, { pass: 0, fail: 0, skipped: 0 }]),
  ) as CheckCounts;
  for (const result of cases)
    for (const check of result.checks) checks[check.name][check.status] += 1;
  const k = cases.find((c) => c.repeat)?.repeat?.k;
  return {
    cases: cases.length,
    passed: cases.filter((c) => c.status === "pass").length,
    failed: cases.filter((c) => c.status === "fail").length,
    errors: cases.filter((c) => c.status === "error").length,
    checks,
    ...(k
      ? {
          repeat: {
            k,
            pass_at_k: cases.filter((c) => c.repeat?.pass_at_k).length,
            pass_hat_k: cases.filter((c) => c.repeat?.pass_hat_k).length,
          },
        }
      : {}),
  };
}
