import fs from "node:fs";
import path from "node:path";
import { renderMarkdown, renderSummary } from "./markdown.js";
import type { BenchReport } from "./results.js";

const START = "<!-- bench:results -->";
const END = "<!-- /bench:results -->";

/** Writes `<dir>/<name>.json` and `.md`; returns the Markdown. */
export function writeResults(report: BenchReport, dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const markdown = renderMarkdown(report);
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `${name}.md`), `${markdown}\n`);
  return markdown;
}

/** Replaces what README.md holds between its bench markers with the latest table. */
export function updateReadme(report: BenchReport, resultsFile: string, readme = "README.md"): void {
  const markdown = renderSummary(report, resultsFile);
  const text = fs.readFileSync(readme, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end < start)
    throw new Error(`${readme} has no ${START} … ${END} section to update`);
  fs.writeFileSync(
    readme,
    `${text.slice(0, start + START.length)}\n${markdown}\n${text.slice(end)}`,
  );
}
