import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PROMPTS_DIR } from "../../graphs/prompts.js";
import {
  RESULTS_FORMAT,
  type CaseResult,
  type RunHeader,
  type RunResults,
} from "../report/results.js";
import { combineRuns } from "../report/repeat.js";
import { summarise } from "../report/summary.js";
import { loadSuite } from "./load-suite.js";
import { openModelPlan, type ModelMode } from "./models.js";
import { checkPromptsDir, hashPrompts } from "./prompts-dir.js";
import { runCase } from "./run-case.js";

export interface SuiteOptions {
  /** A `.jsonl` file, a folder of them, or a suite name in `evals/cases/`. */
  suite: string;
  /** Only these case ids. */
  cases?: string[];
  model: ModelMode;
  /** Record the cases' cassettes (replay: from the scripted Gemini; gemini: from live Gemini). */
  record?: boolean;
  /** Another copy of `prompts/` for the agents. */
  promptsDir?: string;
  /** How many cases run at once. */
  concurrency?: number;
  /** How many times each case runs: pass@k and pass^k are reported per case (default 1). */
  repeat?: number;
  /** How long one reply may take. */
  timeoutMs?: number;
  /** Where `GOOGLE_API_KEY` and `GEMINI_*` settings come from. */
  env?: NodeJS.ProcessEnv;
  onStart?: (total: number) => void;
  onCaseDone?: (result: CaseResult, done: number) => void;
}

const REPO = fileURLToPath(new URL("../../", import.meta.url));

function git(): RunHeader["git"] {
  const run = (args: string[]) =>
    execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  try {
    return {
      sha: run(["rev-parse", "--short", "HEAD"]).trim(),
      dirty: run(["status", "--porcelain"]).trim() !== "",
    };
  } catch {
    return { sha: "nogit", dirty: false };
  }
}

/** Runs `run` over `items`, at most `limit` at a time, keeping their order in the results. */
async function pool<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Runs a suite's cases concurrently and gathers their results; writing them is the caller's. */
export async function runSuite(options: SuiteOptions): Promise<RunResults> {
  const startedAt = new Date();
  const started = performance.now();
  const suite = await loadSuite(options.suite, { only: options.cases });
  const promptsDir = options.promptsDir ? checkPromptsDir(options.promptsDir) : undefined;
  const concurrency = options.concurrency ?? 4;
  const plan = await openModelPlan(
    options.model,
    options.record ?? false,
    options.env ?? process.env,
  );
  const timeoutMs = options.timeoutMs ?? (options.model === "gemini" ? 120_000 : 20_000);
  const repeat = options.repeat ?? 1;
  const runs = suite.cases.flatMap((loaded) => Array.from({ length: repeat }, () => loaded));
  let done = 0;
  options.onStart?.(runs.length);
  const results = await pool(runs, concurrency, async (loaded) => {
    const result = await runCase(loaded, { plan, promptsDir, timeoutMs });
    options.onCaseDone?.(result, ++done);
    return result;
  }).finally(() => plan.stop());
  const cases =
    repeat === 1
      ? results
      : suite.cases.map((_, i) => combineRuns(results.slice(i * repeat, (i + 1) * repeat)));

  const { sha, dirty } = git();
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return {
    format: RESULTS_FORMAT,
    run: {
      id: `${stamp}-${sha}`,
      started_at: startedAt.toISOString(),
      git: { sha, dirty },
      suite: options.suite,
      only: options.cases ?? [],
      model: options.model,
      repeat,
      record: options.record ?? false,
      prompts_dir: promptsDir ?? PROMPTS_DIR,
      prompts: hashPrompts(promptsDir),
      concurrency,
      node: process.version,
      duration_ms: Math.round(performance.now() - started),
    },
    summary: summarise(cases),
    cases,
  };
}
