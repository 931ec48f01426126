import { parseArgs } from "node:util";
import { diffRuns } from "../report/diff.js";
import {
  BaselineError,
  newRunDir,
  readBaseline,
  resolveBaseline,
  writeRun,
} from "../report/run-files.js";
import { renderTable } from "../report/table.js";
import { CASES_DIR, SuiteError } from "./load-suite.js";
import { MODEL_MODES, ModelPlanError, type ModelMode } from "./models.js";
import { progressBar } from "./progress.js";
import { PromptsDirError } from "./prompts-dir.js";
import { runSuite } from "./run-suite.js";

export const USAGE = `Usage: npm run eval -- [suite] [options]

Replays recorded conversations (evals/cases/*.jsonl) against the real server and scores them.
suite: a .jsonl file, a folder of them, or a name in evals/cases/ (default: all of evals/cases/)

  --model scripted|replay|gemini  scripted: the offline tutor (default); replay: each case's
                                  recorded Gemini answers; gemini: live Gemini (GOOGLE_API_KEY)
  --baseline <path>|last          compare with an earlier run (its folder or results.json);
                                  last: the newest run in evals/runs/
  --fail-on-regression            exit 1 when a case that passed in the baseline fails now
  --prompts-dir <dir>             run the agents on an edited copy of prompts/
  --case <id>                     only this case (repeatable)
  --concurrency <n>               cases at a time (default 4)
  --repeat <k>                    run every case k times and report pass@k (passed at least
                                  once) and pass^k (passed every time); a case passes only
                                  if every run did
  --record                        with --model gemini: keep live answers as the cases' cassettes;
                                  with --model replay: re-record them from the offline tutor
  --out <dir>                     write results.json and report.html here
                                  (default: evals/runs/<timestamp>-<git sha>/)`;

export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string", default: "scripted" },
      baseline: { type: "string" },
      "fail-on-regression": { type: "boolean", default: false },
      "prompts-dir": { type: "string" },
      case: { type: "string", multiple: true },
      concurrency: { type: "string", default: "4" },
      repeat: { type: "string", default: "1" },
      record: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (positionals.length > 1)
    throw new UsageError(`one suite at a time, got ${positionals.join(" ")}`);
  const model = values.model as ModelMode;
  if (!MODEL_MODES.includes(model)) {
    throw new UsageError(`--model must be one of ${MODEL_MODES.join(", ")}, got ${values.model}`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency must be a whole number from 1, got ${values.concurrency}`);
  }
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) {
    throw new UsageError(`--repeat must be a whole number from 1 to 50, got ${values.repeat}`);
  }
  if (repeat > 1 && values.record) throw new UsageError("--repeat cannot be used with --record");
  return { values, model, concurrency, repeat, suite: positionals[0] ?? CASES_DIR };
}

/** `npm run eval`: runs the suite, writes the run, prints the summary; returns the exit code. */
export async function runEvalCommand(args: string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, model, concurrency, repeat, suite } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const baselinePath = values.baseline ? resolveBaseline(values.baseline) : undefined;
    const baseline = baselinePath ? readBaseline(baselinePath) : undefined;
    let progress: ReturnType<typeof progressBar> | undefined;
    const results = await runSuite({
      suite,
      cases: values.case,
      model,
      record: values.record,
      promptsDir: values["prompts-dir"],
      concurrency,
      repeat,
      env: io.env,
      onStart: (total) => {
        progress = progressBar(total, io.stderr);
        progress.start();
      },
      onCaseDone: (result, done) => progress?.update(result, done),
    });
    progress?.finish();
    if (baseline && baselinePath) results.baseline = diffRuns(baseline, results, baselinePath);
    const paths = writeRun(results, values.out ?? newRunDir(results.run.id));
    io.stdout.write(
      `${renderTable(results, { color: io.stdout.isTTY === true && !io.env.NO_COLOR })}\n\n`,
    );
    io.stdout.write(`Report:  ${paths.report}\nResults: ${paths.results}\n`);
    const regressed = results.baseline?.counts.regressed ?? 0;
    return values["fail-on-regression"] && regressed > 0 ? 1 : 0;
  } catch (err) {
    const known = [SuiteError, BaselineError, ModelPlanError, PromptsDirError].some(
      (type) => err instanceof type,
    );
    io.stderr.write(`${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
    return 2;
  }
}
