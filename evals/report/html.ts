import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Assessment, CheckpointEvidence } from "../../domain/index.js";
import { escapeHtml as esc } from "../../graphs/draw/html.js";
import { transcriptOf, type TranscriptLine } from "../runner/transcript.js";
import type { StepTrace, TrajectoryItem } from "../runner/trace.js";
import { CHECK_NAMES, type CheckResult } from "../scorers/check.js";
import { trajectoryChange } from "./diff.js";
import { REPLAY_HINT } from "./replay-hint.js";
import type { BaselineDiff, CaseDiff, CaseResult, RunResults } from "./results.js";

const CSS = readFileSync(fileURLToPath(new URL("report.css", import.meta.url)), "utf8");

const anchor = (id: string) => `case-${id}`;
const show = (value: unknown) => esc(JSON.stringify(value));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const CHANGE: Record<CaseDiff["change"], { label: string; css: string }> = {
  regressed: { label: "regressed", css: "regressed" },
  fixed: { label: "fixed", css: "fixed" },
  still_failing: { label: "still failing", css: "fail" },
  still_passing: { label: "still passing", css: "pass" },
  edited: { label: "edited", css: "changed" },
  new: { label: "new", css: "changed" },
  removed: { label: "removed", css: "changed" },
};

function changeBadges(diff: CaseDiff | undefined): string {
  if (!diff) return "";
  const badges = [];
  if (!["still_passing", "still_failing"].includes(diff.change)) {
    badges.push(
      `<span class="badge ${CHANGE[diff.change].css}">${CHANGE[diff.change].label}</span>`,
    );
  }
  if (diff.trajectory_changed) badges.push(`<span class="badge changed">trajectory changed</span>`);
  return badges.join(" ");
}

function header(results: RunResults): string {
  const { run, summary } = results;
  return `<header>
  <h1>Eval run ${esc(run.id)}</h1>
  <p class="meta">suite ${esc(run.suite)} · model <b>${esc(run.model)}</b>${run.record ? " (recording)" : ""} · ${run.concurrency} at a time · ${seconds(run.duration_ms)} · git ${esc(run.git.sha)}${run.git.dirty ? " with uncommitted changes" : ""} · ${esc(run.node)}</p>
  <p class="meta">prompts from ${esc(run.prompts_dir)}</p>
  <p class="counts"><span>${summary.cases} cases</span><span class="pass">${summary.passed} passed</span><span class="fail">${summary.failed} failed</span><span class="error">${summary.errors} errors</span>${summary.repeat ? `<span>pass@${summary.repeat.k} ${summary.repeat.pass_at_k}/${summary.cases}</span><span>pass^${summary.repeat.k} ${summary.repeat.pass_hat_k}/${summary.cases}</span>` : ""}</p>
  ${summary.checks.replay.fail > 0 ? `<p class="changed">${esc(REPLAY_HINT)}</p>` : ""}
</header>`;
}

function baselinePanel(baseline: BaselineDiff): string {
  const { counts } = baseline;
  const notable = baseline.cases.filter(
    (d) =>
      d.trajectory_changed ||
      !["still_passing", "still_failing"].includes(d.change) ||
      d.newly_failing.length > 0,
  );
  const rows = notable.map((d) => {
    const flipped = [
      d.newly_failing.length > 0 ? `now failing: ${d.newly_failing.join(", ")}` : "",
      d.newly_passing.length > 0 ? `now passing: ${d.newly_passing.join(", ")}` : "",
      d.judge_delta ? `judge ${d.judge_delta > 0 ? "+" : ""}${d.judge_delta}` : "",
    ].filter(Boolean);
    const trajectory = d.trajectory_changed
      ? esc(trajectoryChange(d.trajectory_before ?? [], d.trajectory_after ?? []))
      : "";
    const link =
      d.change === "removed" ? esc(d.id) : `<a href="#${esc(anchor(d.id))}">${esc(d.id)}</a>`;
    return `<tr><td>${link}</td><td><span class="badge ${CHANGE[d.change].css}">${CHANGE[d.change].label}</span></td><td>${esc(flipped.join("; "))}</td><td>${trajectory}</td></tr>`;
  });
  return `<section class="panel${counts.regressed > 0 ? " regress" : ""}">
  <h2>Against the baseline</h2>
  <p class="meta">${esc(baseline.path)} · run ${esc(baseline.run_id)} · model ${esc(baseline.model)}</p>
  <p class="counts"><span class="regressed">${counts.regressed} regressed</span><span class="fixed">${counts.fixed} fixed</span><span class="changed">${counts.trajectory_changed} trajectories changed</span><span class="changed">${counts.edited} edited</span><span>${counts.new} new</span><span>${counts.removed} removed</span></p>
  <p>Prompts changed since the baseline: ${baseline.prompts_changed.length > 0 ? baseline.prompts_changed.map((p) => `<code>${esc(p)}</code>`).join(", ") : "none"}</p>
  ${rows.length > 0 ? `<table><tr><th>case</th><th>change</th><th>checks</th><th>trajectory</th></tr>${rows.join("")}</table>` : "<p>No case changed.</p>"}
</section>`;
}

function summaryTable(results: RunResults, diffs: Map<string, CaseDiff>): string {
  const columns = CHECK_NAMES.filter((name) =>
    results.cases.some((c) => c.checks.some((k) => k.name === name)),
  );
  const repeated = results.run.repeat > 1;
  const cell = (check: CheckResult | undefined) =>
    check
      ? `<td class="mark ${check.status}" title="${esc(check.failures[0] ?? check.note ?? "")}">${{ pass: "✓", fail: "✗", skipped: "–" }[check.status]}${check.score ? ` ${check.score}` : ""}</td>`
      : "<td></td>";
  const rows = results.cases.map(
    (c) =>
      `<tr class="${c.status === "pass" ? "" : "failing"}"><td><a href="#${esc(anchor(c.id))}">${esc(c.id)}</a></td><td>${esc(c.agent)}</td><td><span class="badge ${c.status}">${c.status.toUpperCase()}</span></td>${columns
        .map((name) => cell(c.checks.find((k) => k.name === name)))
        .join(
          "",
        )}${repeated ? `<td>${c.repeat ? `${c.repeat.passed}/${c.repeat.k}` : ""}</td>` : ""}<td>${seconds(c.duration_ms)}</td>${results.baseline ? `<td>${changeBadges(diffs.get(c.id))}</td>` : ""}</tr>`,
  );
  return `<table><tr><th>case</th><th>agent</th><th>result</th>${columns.map((n) => `<th>${n}</th>`).join("")}${repeated ? "<th>runs passed</th>" : ""}<th>time</th>${results.baseline ? "<th>vs baseline</th>" : ""}</tr>${rows.join("")}</table>`;
}

function failuresBox(result: CaseResult): string {
  if (result.status === "error")
    return `<div class="failures"><b>Could not run:</b> <code>${esc(result.error ?? "")}</code></div>`;
  const failing = result.checks.filter((c) => c.status === "fail");
  if (failing.length === 0) return "";
  const items = failing.flatMap((c) =>
    c.failures.map((f) => `<li><b>${c.name}</b>: <code>${esc(f)}</code></li>`),
  );
  return `<div class="failures"><b>Failures</b><ul>${items.join("")}</ul></div>`;
}

function caseBaseline(diff: CaseDiff | undefined): string {
  if (!diff || (diff.change === "still_passing" && !diff.trajectory_changed)) return "";
  const parts = [
    `<p><b>Against the baseline:</b> ${CHANGE[diff.change].label}${diff.before ? ` (was ${diff.before}, now ${diff.after ?? "—"})` : ""}</p>`,
  ];
  if (diff.newly_failing.length > 0)
    parts.push(
      `<p class="fail">Checks that passed and now fail: ${diff.newly_failing.join(", ")}</p>`,
    );
  if (diff.newly_passing.length > 0)
    parts.push(
      `<p class="pass">Checks that failed and now pass: ${diff.newly_passing.join(", ")}</p>`,
    );
  if (diff.trajectory_changed) {
    parts.push(
      `<div class="columns"><div><b>Trajectory in the baseline</b><ol class="trajectory">${(diff.trajectory_before ?? []).map((t) => `<li><code>${esc(t)}</code></li>`).join("")}</ol></div><div><b>Trajectory now</b><ol class="trajectory">${(diff.trajectory_after ?? []).map((t) => `<li><code>${esc(t)}</code></li>`).join("")}</ol></div></div>`,
    );
  }
  return `<section class="panel${diff.change === "regressed" ? " regress" : ""}">${parts.join("")}</section>`;
}

function checksTable(checks: CheckResult[]): string {
  const rows = checks.map((c) => {
    const detail =
      c.status === "fail" ? c.failures.map((f) => esc(f)).join("<br>") : esc(c.note ?? "");
    return `<tr><td>${c.name}</td><td class="${c.status}">${c.status}${c.score ? ` (${c.score}/5)` : ""}</td><td>${detail}</td></tr>`;
  });
  return `<table><tr><th>check</th><th>result</th><th>detail</th></tr>${rows.join("")}</table>`;
}

function itemHtml(item: TrajectoryItem): string {
  if (item.kind === "handover")
    return `<li><code>handover:${esc(item.name)}</code> <span class="meta">step ${item.step}</span></li>`;
  const result = item.result ? ` → ${esc(item.result)}` : "";
  return `<li><code>tool:${esc(item.name)}</code> ${show(item.args ?? {})}${result} <span class="meta">by ${esc(item.agent ?? "?")}, step ${item.step}</span></li>`;
}

function trajectorySection(result: CaseResult): string {
  const actual = result.trace?.trajectory ?? [];
  const expected = result.expected_trajectory;
  return `<h3>Handovers and tool calls</h3><div class="columns"><div><b>Actual</b><ol class="trajectory">${actual.map(itemHtml).join("") || "<li>none</li>"}</ol></div>${
    expected
      ? `<div><b>Expected (${esc(expected.match)})</b><ol class="trajectory">${expected.steps.map((s) => `<li><code>${esc(s)}</code></li>`).join("") || "<li>none</li>"}</ol></div>`
      : ""
  }</div>`;
}

function lineHtml(line: TranscriptLine): string {
  if (line.speaker === "event") {
    const error = /^(error|socket closed 10(0[2-9]|1\d))/.test(line.text) ? " error" : "";
    return `<div class="line event${error}">${esc(line.text)}</div>`;
  }
  const who = line.speaker === "learner" ? "learner" : line.speaker;
  return `<div class="line ${esc(who)}"><span class="who">${esc(who)}</span>${esc(line.text)}</div>`;
}

function stepTitle(step: StepTrace): string {
  if ("connect" in step.input) return `Step ${step.index} · connect`;
  if ("reconnect" in step.input) return `Step ${step.index} · reconnect`;
  return `Step ${step.index} · learner turn${step.input.simulated ? " (simulated learner)" : ""}`;
}

/**
 * The comprehension questions of the conversation with the learner's answers and the teacher's
 * verdicts: the completed checkpoints' evidence, then the current checkpoint's questions.
 */
function assessmentsSection(result: CaseResult): string {
  const state = result.trace?.steps.at(-1)?.state ?? {};
  const evidence = (state.evidence as CheckpointEvidence[] | undefined) ?? [];
  const current = (state.assessments as Assessment[] | undefined) ?? [];
  if (evidence.length === 0 && current.length === 0) return "";
  const row = (
    checkpoint: string,
    a: { question: string; answer: string | null; verdict: string | null },
    extra = "",
  ) =>
    `<tr><td>${esc(checkpoint)}</td><td>${esc(a.question)}</td><td>${esc(a.answer ?? "—")}</td><td>${esc(a.verdict ?? "open")}</td><td>${esc(extra)}</td></tr>`;
  const rows = [
    ...evidence.flatMap((e) =>
      e.answers.map((a) => row(`${e.checkpoint + 1}. ${e.title} (completed)`, a)),
    ),
    ...current.map((a) =>
      row(
        `${a.checkpoint + 1} (in progress)`,
        a,
        a.not_answers.map((n) => `${n.reason}: "${n.text}"`).join("; "),
      ),
    ),
  ];
  return `<h3>Questions, answers and verdicts</h3><table><tr><th>checkpoint</th><th>question</th><th>answer</th><th>verdict</th><th>replies that did not count</th></tr>${rows.join("")}</table>`;
}

function stepHtml(step: StepTrace, lines: TranscriptLine[]): string {
  const diff = Object.entries(step.state_diff);
  return `<div class="step${step.error ? " error" : ""}">
  <h5>${stepTitle(step)}</h5>
  ${step.error ? `<p class="fail"><b>${esc(step.error)}</b></p>` : ""}
  ${lines.map(lineHtml).join("\n  ")}
  ${step.path.length > 0 ? `<p class="path">path: ${step.path.map(esc).join(" → ")}</p>` : ""}
  ${diff.length > 0 ? `<table class="diff"><tr><th>state</th><th>before</th><th>after</th></tr>${diff.map(([key, { before, after }]) => `<tr><td><code>${esc(key)}</code></td><td><code>${show(before)}</code></td><td><code>${show(after)}</code></td></tr>`).join("")}</table>` : ""}
</div>`;
}

function conversation(result: CaseResult): string {
  const trace = result.trace;
  if (!trace) return "";
  const lines = transcriptOf(result.agent, trace);
  const steps = trace.steps.map((step) =>
    stepHtml(
      step,
      lines.filter((l) => l.step === step.index),
    ),
  );
  const frames = trace.frames.map((e) => JSON.stringify(e)).join("\n");
  const log =
    trace.server_log.length > 0
      ? `<details><summary>Server warnings and errors (${trace.server_log.length})</summary><pre>${esc(trace.server_log.join("\n"))}</pre></details>`
      : "";
  return `<h3>Conversation</h3>${steps.join("\n")}
<details><summary>Every frame (${trace.frames.length})</summary><pre>${esc(frames)}</pre></details>${log}`;
}

function caseSection(result: CaseResult, diff: CaseDiff | undefined): string {
  const failing = result.status !== "pass";
  return `<details class="case${failing ? " failing" : ""}" id="${esc(anchor(result.id))}"${failing || diff?.change === "regressed" ? " open" : ""}>
<summary><span class="badge ${result.status}">${result.status.toUpperCase()}</span> <b>${esc(result.id)}</b> <span class="meta">${esc(result.agent)}</span> ${changeBadges(diff)}</summary>
<div>
  <p class="meta">${esc(result.source)} · ${seconds(result.duration_ms)}${result.tags.length > 0 ? ` · ${result.tags.map(esc).join(", ")}` : ""}${
    result.fixtures
      ? ` · fixtures ${esc(
          Object.entries(result.fixtures)
            .map(([kind, name]) => `${kind} ${name}`)
            .join(", "),
        )}`
      : ""
  }${result.content_hash ? ` · content ${esc(result.content_hash)}` : ""}</p>
  ${result.repeat ? `<p>Runs: ${result.repeat.runs.map((r, i) => `${i + 1}. <span class="${r.status}">${r.status}</span>${r.failed.length > 0 ? ` (${esc(r.failed.join(", "))})` : ""}`).join(" · ")} — pass@${result.repeat.k} ${result.repeat.pass_at_k ? "yes" : "no"}, pass^${result.repeat.k} ${result.repeat.pass_hat_k ? "yes" : "no"}</p>` : ""}
  ${result.description ? `<p>${esc(result.description)}</p>` : ""}
  ${failuresBox(result)}
  ${caseBaseline(diff)}
  ${result.checks.length > 0 ? checksTable(result.checks) : ""}
  ${result.trace ? trajectorySection(result) : ""}
  ${assessmentsSection(result)}
  ${conversation(result)}
</div>
</details>`;
}

/** One self-contained page: no scripts, no external resources, every value escaped. */
export function renderReport(results: RunResults): string {
  const diffs = new Map(results.baseline?.cases.map((d) => [d.id, d]));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eval ${esc(results.run.id)}</title>
<style>${CSS}</style>
</head>
<body>
${header(results)}
<main>
${results.baseline ? baselinePanel(results.baseline) : ""}
<h2>Cases</h2>
${summaryTable(results, diffs)}
${results.cases.map((c) => caseSection(c, diffs.get(c.id))).join("\n")}
</main>
</body>
</html>
`;
}
