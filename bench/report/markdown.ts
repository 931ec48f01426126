import type { BenchReport, PhaseReport, Row } from "./results.js";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const verdict = (met: boolean | undefined) =>
  met === undefined ? "–" : met ? "met" : "**not met**";

function tableOf(rows: Row[]): string[] {
  return [
    "| figure | measured | anchor | ratio | goal | |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${[r.figure, r.value, r.anchor, r.ratio, r.goal, verdict(r.met)].map(cell).join(" | ")} |`,
    ),
  ];
}

function machineLine(phase: PhaseReport): string {
  const { load1, quiet, waitedSeconds } = phase.machine;
  const load = `1-minute load ${load1.toFixed(2)} at the start`;
  const waited = waitedSeconds > 0 ? ` after waiting ${waitedSeconds} s` : "";
  return quiet ? `quiet (${load}${waited})` : `**not quiet** (${load}${waited})`;
}

function whyOf(row: Row): string[] {
  if (row.notes.length === 0 && !row.profile) return [];
  const lines = [`- **${row.figure}**`, ...row.notes.map((n) => `  - ${n}`)];
  if (row.profile) {
    const { functions, packages, sampledMs } = row.profile;
    lines.push(
      `  - CPU profile of the server (${sampledMs} ms sampled), self time by package: ` +
        packages.map((p) => `${p.name} ${p.percent}%`).join(", "),
      `  - top functions: ${functions
        .slice(0, 8)
        .map((f) => `\`${f.name}\` ${f.percent}%`)
        .join(", ")}`,
    );
  }
  return lines;
}

function headline(report: BenchReport): string[] {
  const loud = report.phases.filter((p) => !p.skipped && !p.machine.quiet);
  const loads = loud.map((p) => p.machine.load1);
  return [
    `Measured ${report.date} at ${report.commit} on ${report.cpus} cores (Node ${report.node}), ` +
      `in ${Math.round(report.seconds / 60)} min: \`${report.command}\`. Server CPU is read from ` +
      `/proc over the server's whole process tree; figures are medians of the repetitions with ` +
      `their range in brackets.` +
      (loud.length > 0
        ? ` **The machine was not quiet** during ${loud.length} of ${report.phases.length} ` +
          `phases (1-minute load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}).`
        : ""),
    "",
    ...tableOf(report.phases.flatMap((p) => p.rows)),
    "",
  ];
}

/** The headline and the table, for the README, pointing at the full results. */
export function renderSummary(report: BenchReport, resultsFile: string): string {
  return [
    ...headline(report),
    `Why each goal is missed (profiles), the machine's state and the method per phase: ` +
      `[${resultsFile}](${resultsFile}).`,
  ].join("\n");
}

/** The results as Markdown: the table, then per phase the machine's state, notes and profiles. */
export function renderMarkdown(report: BenchReport): string {
  const lines = headline(report);
  for (const phase of report.phases) {
    lines.push(`**${phase.title}** (${phase.phase}, ${Math.round(phase.seconds)} s)`);
    if (phase.skipped) {
      lines.push(`- skipped: ${phase.skipped}`, "");
      continue;
    }
    lines.push(`- machine: ${machineLine(phase)}`);
    lines.push(...phase.notes.map((n) => `- ${n}`));
    lines.push(...phase.rows.flatMap(whyOf), "");
  }
  return lines.join("\n");
}
