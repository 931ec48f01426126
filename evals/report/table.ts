import { CHECK_NAMES, type CheckName, type CheckResult } from "../scorers/check.js";
import { trajectoryChange } from "./diff.js";
import { REPLAY_HINT } from "./replay-hint.js";
import type { CaseDiff, CaseResult, RunResults } from "./results.js";

const MARK: Record<CheckResult["status"], string> = { pass: "✓", fail: "✗", skipped: "–" };
const MAX_FAILURES_SHOWN = 5;

type Paint = (text: string, color: "red" | "green" | "yellow" | "dim") => string;
const CODES = { red: 31, green: 32, yellow: 33, dim: 2 };
const ansi: Paint = (text, color) => `\x1b[${CODES[color]}m${text}\x1b[0m`;
const plain: Paint = (text) => text;

const CHANGE_LABEL: Partial<Record<CaseDiff["change"], string>> = {
  regressed: "REGRESSED",
  fixed: "fixed",
  edited: "edited",
  new: "new",
};

function changeCell(diff: CaseDiff | undefined): string {
  if (!diff) return "";
  const label = CHANGE_LABEL[diff.change] ?? "";
  const trajectory = diff.trajectory_changed ? "trajectory changed" : "";
  return [label, trajectory].filter(Boolean).join(", ");
}

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join("  ")
    .trimEnd();
}

function failureLines(result: CaseResult): string[] {
  if (result.status === "error") return [`    error: ${result.error}`];
  return result.checks
    .filter((check) => check.status === "fail")
    .flatMap((check) => {
      const shown = check.failures
        .slice(0, MAX_FAILURES_SHOWN)
        .map((f) => `    ${check.name}: ${f}`);
      const more = check.failures.length - MAX_FAILURES_SHOWN;
      return more > 0 ? [...shown, `    ${check.name}: … and ${more} more`] : shown;
    });
}

/** Why each check was skipped, once per reason. */
function skipNotes(results: RunResults): string[] {
  const notes = new Map<string, number>();
  for (const result of results.cases) {
    for (const check of result.checks) {
      if (check.status !== "skipped" || check.name !== "judge" || !check.note) continue;
      if (check.note === "the case has no rubric") continue;
      const key = `${check.name} skipped: ${check.note.replace(/ at \S+$/, "")}`;
      notes.set(key, (notes.get(key) ?? 0) + 1);
    }
  }
  return [...notes].map(([note, count]) => `${note} (${count} case${count === 1 ? "" : "s"})`);
}

/** The terminal summary: one row per case, the failures, the totals and the baseline diff. */
export function renderTable(results: RunResults, options: { color: boolean }): string {
  const paint = options.color ? ansi : plain;
  const columns = CHECK_NAMES.filter((name) =>
    results.cases.some((c) => c.checks.some((check) => check.name === name)),
  );
  const diffs = new Map(results.baseline?.cases.map((d) => [d.id, d]));
  const repeated = results.run.repeat > 1;
  const header = [
    "case",
    "agent",
    "result",
    ...columns,
    ...(repeated ? [`passed of ${results.run.repeat}`] : []),
    "time",
    ...(results.baseline ? ["vs baseline"] : []),
  ];
  const rows = results.cases.map((result) => {
    const check = (name: CheckName) => result.checks.find((c) => c.name === name);
    return [
      result.id,
      result.agent,
      result.status.toUpperCase(),
      ...columns.map((name) => {
        const found = check(name);
        return found ? MARK[found.status] : "";
      }),
      ...(repeated ? [result.repeat ? `${result.repeat.passed}/${result.repeat.k}` : ""] : []),
      `${(result.duration_ms / 1000).toFixed(1)}s`,
      ...(results.baseline ? [changeCell(diffs.get(result.id))] : []),
    ];
  });
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((row) => (row[i] ?? "").length)),
  );
  const lines = [paint(pad(header, widths), "dim")];
  rows.forEach((row, index) => {
    const line = pad(row, widths);
    const status = results.cases[index]!.status;
    lines.push(status === "pass" ? line : paint(line, "red"));
  });

  const failing = results.cases.filter((c) => c.status !== "pass");
  if (failing.length > 0) {
    lines.push("", "Failures:");
    for (const result of failing) {
      lines.push(paint(`  ✗ ${result.id} (${result.source})`, "red"), ...failureLines(result));
    }
  }

  const { summary, run } = results;
  lines.push(
    "",
    `${summary.cases} cases: ${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors · model ${run.model}${run.record ? " (recording)" : ""} · ${(run.duration_ms / 1000).toFixed(1)} s`,
    ...(summary.repeat
      ? [
          `pass@${summary.repeat.k} (passed at least once): ${summary.repeat.pass_at_k}/${summary.cases} cases · pass^${summary.repeat.k} (passed every time): ${summary.repeat.pass_hat_k}/${summary.cases} cases`,
        ]
      : []),
    ...skipNotes(results).map((note) => paint(note, "dim")),
  );
  if (summary.checks.replay.fail > 0) lines.push(paint(REPLAY_HINT, "yellow"));

  const baseline = results.baseline;
  if (baseline) {
    const { counts } = baseline;
    lines.push(
      "",
      `Against ${baseline.path} (${baseline.model}): ${counts.regressed} regressed, ${counts.fixed} fixed, ${counts.trajectory_changed} trajectories changed, ${counts.edited} edited, ${counts.new} new, ${counts.removed} removed`,
    );
    if (baseline.prompts_changed.length > 0) {
      lines.push(`  prompts changed since then: ${baseline.prompts_changed.join(", ")}`);
    }
    for (const change of ["new", "removed"] as const) {
      const ids = baseline.cases.filter((d) => d.change === change).map((d) => d.id);
      if (ids.length > 0) lines.push(`  ${change}: ${ids.join(", ")}`);
    }
    for (const diff of baseline.cases) {
      if (diff.change === "new" || diff.change === "removed") continue;
      if (diff.change === "still_passing" && !diff.trajectory_changed) continue;
      if (
        diff.change === "still_failing" &&
        !diff.trajectory_changed &&
        diff.newly_failing.length === 0
      )
        continue;
      const label = (CHANGE_LABEL[diff.change] ?? diff.change.replace("_", " ")).padEnd(13);
      const color =
        diff.change === "regressed" ? "red" : diff.change === "fixed" ? "green" : "yellow";
      const flipped = [
        ...(diff.newly_failing.length > 0 ? [`now failing: ${diff.newly_failing.join(", ")}`] : []),
        ...(diff.newly_passing.length > 0 ? [`now passing: ${diff.newly_passing.join(", ")}`] : []),
      ].join("; ");
      const renamed = diff.renamed_from ? ` (was ${diff.renamed_from})` : "";
      lines.push(paint(`  ${label} ${diff.id}${renamed}${flipped ? `  ${flipped}` : ""}`, color));
      if (diff.trajectory_changed) {
        lines.push(
          `                trajectory ${trajectoryChange(diff.trajectory_before ?? [], diff.trajectory_after ?? [])}`,
        );
      }
    }
  }
  return lines.join("\n");
}
