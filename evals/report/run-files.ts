import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BaselineResults } from "./diff.js";
import { renderReport } from "./html.js";
import type { RunResults } from "./results.js";

/** Every run writes `evals/runs/<timestamp>-<git sha>/` (ignored by git). */
export const RUNS_DIR = fileURLToPath(new URL("../runs/", import.meta.url));

const RESULTS_FILE = "results.json";
const REPORT_FILE = "report.html";

export class BaselineError extends Error {}

/** A fresh folder for this run under `RUNS_DIR`, named by its id (with a suffix if taken). */
export function newRunDir(runId: string, runsDir: string = RUNS_DIR): string {
  let dir = join(runsDir, runId);
  for (let n = 2; existsSync(dir); n += 1) dir = join(runsDir, `${runId}-${n}`);
  return dir;
}

/** The newest run in `runsDir` that left its results. */
function lastRun(runsDir: string): string {
  const runs = existsSync(runsDir)
    ? readdirSync(runsDir)
        .filter((name) => existsSync(join(runsDir, name, RESULTS_FILE)))
        .sort()
    : [];
  const last = runs.at(-1);
  if (!last) throw new BaselineError(`--baseline last: no earlier run in ${runsDir}`);
  return join(runsDir, last, RESULTS_FILE);
}

/** `last`, a run folder, or a results.json, as the path of a results.json. */
export function resolveBaseline(value: string, runsDir: string = RUNS_DIR): string {
  if (value === "last") return lastRun(runsDir);
  const path = resolve(value);
  const file = existsSync(join(path, RESULTS_FILE)) ? join(path, RESULTS_FILE) : path;
  if (!existsSync(file))
    throw new BaselineError(`--baseline ${value}: no such run or results.json`);
  return file;
}

export function readBaseline(path: string): BaselineResults {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new BaselineError(`--baseline ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = BaselineResults.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BaselineError(
      `--baseline ${path} is not an eval run's results.json (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

/** Writes results.json and the HTML report into `dir`. */
export function writeRun(results: RunResults, dir: string): { results: string; report: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { results: join(dir, RESULTS_FILE), report: join(dir, REPORT_FILE) };
  writeFileSync(paths.results, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(paths.report, renderReport(results));
  return paths;
}
