import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allyThreadId, enrollmentId } from "../../domain/index.js";
import type { ForkResult } from "../../evals/fork/fork-data.js";
import { runSuite } from "../../evals/runner/run-suite.js";
import { PROMPTS_DIR } from "../../graphs/prompts.js";
import { GRACE_ALLY, holdConversationOnDisk } from "../support/stored-conversation.js";

// `npm run fork` on a conversation held on a real server with its SQLite file: the report, the
// saved eval case (run by the runner), and a store left byte for byte as it was.

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const OFFLINE = { ...process.env, GOOGLE_API_KEY: "" };
const work = mkdtempSync(join(tmpdir(), "fork-cli-"));
const dataDir = join(work, "data");
let thread: string;

function forkCommand(...args: string[]) {
  return spawnSync("npm", ["run", "--silent", "fork", "--", "--data-dir", dataDir, ...args], {
    cwd: REPO,
    env: OFFLINE,
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** Every file of the data folder, by name, with a hash of its bytes. */
function dataFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dataDir).map((file) => [
      file,
      createHash("sha256")
        .update(readFileSync(join(dataDir, file)))
        .digest("hex"),
    ]),
  );
}

beforeAll(async () => {
  const held = await holdConversationOnDisk(dataDir);
  thread = allyThreadId(enrollmentId(held.uid, held.missionId));
}, 30_000);

describe("npm run fork", () => {
  it("prints both continuations, saves the fork as a case that runs, and changes no byte of the store", async () => {
    const prompts = join(work, "prompts");
    cpSync(PROMPTS_DIR, prompts, { recursive: true });
    const sensei = join(prompts, "ally", "mission_sensei.md");
    writeFileSync(sensei, `${readFileSync(sensei, "utf8")}\nAlways end with a question.\n`);
    const suite = join(work, "forks.jsonl");
    const json = join(work, "fork.json");
    const before = dataFiles();

    const run = forkCommand(
      "--thread",
      thread,
      "--turn",
      "2",
      "--prompts-dir",
      prompts,
      "--save-case",
      suite,
      "--json",
      json,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(dataFiles()).toEqual(before);

    expect(run.stdout).toContain(`Fork of ${thread} after turn 2`);
    expect(run.stdout).toContain("model: scripted; prompts changed: ally/mission_sensei.md");
    for (const [i, text] of GRACE_ALLY.slice(2).entries()) {
      expect(run.stdout).toContain(`Turn ${i + 3}: learner: ${text}`);
    }
    // The scripted tutor does not read its prompts: the same continuation, marked as the same.
    expect(run.stdout).toContain("= replies");
    expect(run.stdout).not.toContain("≠");
    expect(run.stdout).toContain("0 of 3 replayed turns differ.");

    const result = JSON.parse(readFileSync(json, "utf8")) as ForkResult;
    expect(result.turns.map((t) => t.turn)).toEqual([3, 4, 5]);
    expect(run.stderr).toContain(`Appended ${result.eval_case.id} to ${suite}`);
    const saved = readFileSync(suite, "utf8").trim().split("\n");
    expect(saved.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([
      result.eval_case.id,
    ]);
    const results = await runSuite({ suite, model: "scripted", promptsDir: prompts, env: OFFLINE });
    expect(results.cases.map((c) => [c.id, c.status])).toEqual([[result.eval_case.id, "pass"]]);
  }, 90_000);

  it("runs on another model at another temperature, and says why a fork cannot run", () => {
    const replay = forkCommand(
      "--thread",
      thread,
      "--turn",
      "4",
      "--model",
      "replay",
      "--temperature",
      "0.3",
    );
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stdout).toContain("model: replay, temperature 0.3");
    expect(replay.stdout).toContain("Turn 5: learner: I feel confident about it.");

    const last = forkCommand("--thread", thread, "--turn", "5");
    expect(last.status).toBe(2);
    expect(last.stderr.trim()).toBe(
      "The conversation has 5 turns: fork it at turn 1 to 4, so that there are messages to replay",
    );
    // As a developer would type it: a well-formed thread of no enrollment, named in the error.
    const nowhere = forkCommand("--thread", "ally:nobody_nothing", "--turn", "1");
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr.trim()).toBe("There is no Ally enrollment for ally:nobody_nothing");
  }, 90_000);
});
