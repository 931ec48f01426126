import type { CheckName, CheckResult } from "../scorers/check.js";
import type { ModelMode } from "../runner/models.js";
import type { CaseTrace } from "../runner/trace.js";

export const RESULTS_FORMAT = "learnforge-eval-results/1";

export interface CaseResult {
  id: string;
  agent: "commander" | "ally";
  description?: string;
  tags: string[];
  /** `file.jsonl:line` */
  source: string;
  /** What the case runs and expects, hashed: the baseline diff pairs cases by it. */
  content_hash?: string;
  /** The fixtures the case names. */
  fixtures?: { learner?: string; mission?: string };
  /** `error`: the case could not run at all (see `error`). */
  status: "pass" | "fail" | "error";
  error?: string;
  checks: CheckResult[];
  /** The actual handovers and tool calls, as `handover:<agent>` / `tool:<name>`. */
  trajectory: string[];
  expected_trajectory?: { match: string; steps: string[] };
  duration_ms: number;
  /** With `--repeat k`: every run's outcome; the checks and trace above are one run's. */
  repeat?: RepeatOutcome;
  trace?: CaseTrace;
}

/** A case run k times. */
export interface RepeatOutcome {
  k: number;
  /** How many of the k runs passed. */
  passed: number;
  /** Each run's result, in order, with the checks that failed in it. */
  runs: { status: "pass" | "fail" | "error"; failed: CheckName[]; duration_ms: number }[];
  /** At least one of the k runs passed. */
  pass_at_k: boolean;
  /** All k runs passed. */
  pass_hat_k: boolean;
}

/** What makes a run reproducible and comparable. */
export interface RunHeader {
  id: string;
  started_at: string;
  git: { sha: string; dirty: boolean };
  suite: string;
  /** The case ids the run was limited to (`--case`); empty means every case of the suite. */
  only: string[];
  model: ModelMode;
  /** How many times each case ran (`--repeat`). */
  repeat: number;
  record: boolean;
  prompts_dir: string;
  /** SHA-256 (first 16 hex digits) of every prompt file the agents read. */
  prompts: Record<string, string>;
  concurrency: number;
  node: string;
  duration_ms: number;
}

export type CheckCounts = Record<CheckName, { pass: number; fail: number; skipped: number }>;

export interface RunSummary {
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  checks: CheckCounts;
  /** With `--repeat k`: how many cases passed at least once (pass@k), and every time (pass^k). */
  repeat?: { k: number; pass_at_k: number; pass_hat_k: number };
}

export type CaseChange =
  "regressed" | "fixed" | "still_failing" | "still_passing" | "edited" | "new" | "removed";

export interface CaseDiff {
  id: string;
  /**
   * Cases are paired by content first, then by id: `edited` when the case with this id now says
   * something else (its result is not counted as a regression or a fix).
   */
  change: CaseChange;
  /** The same content ran under another id in the baseline. */
  renamed_from?: string;
  before?: CaseResult["status"];
  after?: CaseResult["status"];
  trajectory_changed: boolean;
  trajectory_before?: string[];
  trajectory_after?: string[];
  /** Checks that passed in the baseline and fail now, and the other way round. */
  newly_failing: CheckName[];
  newly_passing: CheckName[];
  /** The judge's score now minus in the baseline, when both have one. */
  judge_delta?: number;
}

export interface BaselineDiff {
  /** The baseline's results.json. */
  path: string;
  run_id: string;
  model: string;
  /** Prompt files added, removed or edited since the baseline. */
  prompts_changed: string[];
  counts: {
    regressed: number;
    fixed: number;
    trajectory_changed: number;
    edited: number;
    new: number;
    removed: number;
  };
  cases: CaseDiff[];
}

export interface RunResults {
  format: typeof RESULTS_FORMAT;
  run: RunHeader;
  summary: RunSummary;
  baseline?: BaselineDiff;
  cases: CaseResult[];
}
