export const CHECK_NAMES = [
  "trajectory",
  "nodes",
  "state",
  "replies",
  "protocol",
  "forbidden",
  "invariants",
  "judge",
  "replay",
  "run",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One scorer's verdict on a case. */
export interface CheckResult {
  name: CheckName;
  status: "pass" | "fail" | "skipped";
  /** What went wrong, one line each; for `skipped`, why. */
  failures: string[];
  /** The judge's score, 1–5. */
  score?: number;
  /** The judge's reasoning, or why a check was skipped. */
  note?: string;
}

export const verdict = (name: CheckName, failures: string[]): CheckResult => ({
  name,
  status: failures.length === 0 ? "pass" : "fail",
  failures,
});
