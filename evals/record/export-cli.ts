import { parseArgs } from "node:util";
import { ConfigError } from "../../server/config.js";
import { SuiteError } from "../runner/load-suite.js";
import { appendCase } from "./append-case.js";
import { fail, openStoredStore } from "./stored-store.js";
import { exportCase, ExportError, type ExportSource } from "./export-case.js";

const USAGE = `Usage: npm run eval:export -- --session <id> | --enrollment <user id>_<mission id>
                           [--data-dir <dir>] [--id <case id>] [--to <suite.jsonl>]

Exports a stored conversation as an eval case: the learner's turns, where it started, and what
happened as its expectations. Reads the store the server is configured with (STORE, DATA_DIR,
SQLITE_PATH, …); --data-dir points at another data folder. Prints the case as one JSON line, or
appends it to --to. Record its Gemini answers with: npm run eval -- <suite> --model gemini --record`;

async function main() {
  const { values } = parseArgs({
    options: {
      session: { type: "string" },
      enrollment: { type: "string" },
      "data-dir": { type: "string" },
      id: { type: "string" },
      to: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.session === !values.enrollment)
    fail(`Give exactly one of --session or --enrollment.\n\n${USAGE}`);
  const source: ExportSource = values.session
    ? { session: values.session }
    : { enrollment: values.enrollment! };
  const store = await openStoredStore(values["data-dir"]);
  try {
    const exported = await exportCase(store, source, values.id);
    const line = `${JSON.stringify(exported)}\n`;
    if (!values.to) {
      process.stdout.write(line);
      return;
    }
    await appendCase(values.to, exported);
    process.stderr.write(`Appended ${exported.id} to ${values.to}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  const known = [ExportError, ConfigError, SuiteError].some((type) => err instanceof type);
  fail(known ? (err as Error).message : String((err as Error).stack ?? err));
});
