import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../../server/config.js";
import { appendCase } from "../record/append-case.js";
import { ExportError } from "../record/export-case.js";
import { fail, openStoredStore } from "../record/stored-store.js";
import { PromptsDirError } from "../runner/prompts-dir.js";
import { SuiteError } from "../runner/load-suite.js";
import { FORK_MODELS, type ForkModel } from "./fork-data.js";
import { ForkError } from "./fork-models.js";
import { runFork } from "./fork.js";
import { forkReport } from "./report.js";

const USAGE = `Usage: npm run fork -- --thread <thread id> --turn N [--prompts-dir <dir>]
                      [--model scripted|replay|gemini] [--temperature T] [--data-dir <dir>]
                      [--save-case <suite.jsonl>] [--json <file>]

Forks a stored conversation after turn N: copies turns 1 to N into a scratch thread in a store of
its own (the learner's data is only read), replays the learner's later messages with the prompts
in --prompts-dir (a copy of prompts/), another model or temperature, and prints both
continuations side by side, "≠" marking what differs. The thread is commander:<session id> or
ally:<user id>_<mission id>, as the graph pages name it.

  --model       scripted (the offline tutor, the default), replay (the real Gemini client against
                the scripted Gemini), gemini (GOOGLE_API_KEY; GEMINI_BASE_URL, GEMINI_MODEL… apply)
  --temperature every agent's temperature, 0 to 2 (replay and gemini)
  --data-dir    another data folder; otherwise the store the server is configured with
  --save-case   append the fork to a suite as an eval case; run it with
                npm run eval -- <suite> --prompts-dir <dir> --model <model>
  --json        also write the whole result as JSON`;

async function main() {
  const { values } = parseArgs({
    options: {
      thread: { type: "string" },
      turn: { type: "string" },
      "prompts-dir": { type: "string" },
      model: { type: "string", default: "scripted" },
      temperature: { type: "string" },
      "data-dir": { type: "string" },
      "save-case": { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.thread || !values.turn) fail(`Give --thread and --turn.\n\n${USAGE}`);
  const turn = Number(values.turn);
  if (!Number.isInteger(turn) || turn < 1) fail("--turn must be a whole number from 1");
  if (!FORK_MODELS.includes(values.model as ForkModel)) {
    fail(`--model must be one of ${FORK_MODELS.join(", ")}`);
  }
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
  const store = await openStoredStore(values["data-dir"]);
  try {
    const result = await runFork(store, {
      thread: values.thread,
      turn,
      model: values.model as ForkModel,
      temperature,
      promptsDir: values["prompts-dir"],
      env: process.env,
    });
    process.stdout.write(`${forkReport(result)}\n`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    if (values["save-case"]) {
      await appendCase(values["save-case"], result.eval_case);
      process.stderr.write(`Appended ${result.eval_case.id} to ${values["save-case"]}\n`);
    }
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const known = [ForkError, ExportError, ConfigError, SuiteError, PromptsDirError].some(
    (type) => err instanceof type,
  );
  fail(known ? (err as Error).message : String((err as Error).stack ?? err));
});
