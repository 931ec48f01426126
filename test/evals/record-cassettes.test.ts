import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CASES_DIR } from "../../evals/runner/load-suite.js";
import { runSuite } from "../../evals/runner/run-suite.js";

// `npm run eval:cassettes` records each case's Gemini answers from the scripted Gemini. Recording
// again must reproduce the committed cassettes exactly, or they are stale.

const OFFLINE = { GOOGLE_API_KEY: "" };
const CASES = ["commander-reconnect-mid-interview", "ally-final-checkpoint"];

/** The starter suite's lines for `ids`, as a suite of their own. */
function starterLines(ids: string[]): string {
  return ["commander.jsonl", "ally.jsonl"]
    .flatMap((file) => readFileSync(join(CASES_DIR, file), "utf8").split("\n"))
    .filter((line) => line.trim() !== "" && ids.includes((JSON.parse(line) as { id: string }).id))
    .join("\n");
}

describe("recording the cases' cassettes", () => {
  it("records, from the offline tutor, exactly the cassettes the suite replays", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eval-record-"));
    const suite = join(dir, "suite.jsonl");
    writeFileSync(suite, starterLines(CASES));

    const recorded = await runSuite({ suite, model: "replay", record: true, env: OFFLINE });
    expect(recorded.cases.map((c) => [c.id, c.status])).toEqual(CASES.map((id) => [id, "pass"]));
    for (const id of CASES) {
      const fresh = readFileSync(join(dir, "cassettes", `${id}.json`), "utf8");
      expect(fresh, id).toBe(readFileSync(join(CASES_DIR, "cassettes", `${id}.json`), "utf8"));
    }

    const replayed = await runSuite({ suite, model: "replay", env: OFFLINE });
    expect(replayed.cases.map((c) => c.status)).toEqual(["pass", "pass"]);
  }, 60_000);
});
