import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { enrollmentId } from "../../domain/index.js";
import { runSuite } from "../../evals/runner/run-suite.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { holdConversationOnDisk } from "../support/stored-conversation.js";

// A conversation held on a real server with its SQLite file, exported as a case from that file,
// then replayed by the runner.

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const OFFLINE = { ...process.env, GOOGLE_API_KEY: "" };
const dataDir = mkdtempSync(join(tmpdir(), "eval-export-"));
const suite = join(dataDir, "exported.jsonl");
let sessionId: string;
let enrollment: string;

function exportCommand(...args: string[]) {
  return spawnSync(
    "npm",
    ["run", "--silent", "eval:export", "--", "--data-dir", dataDir, ...args],
    {
      cwd: REPO,
      env: OFFLINE,
      encoding: "utf8",
      timeout: 30_000,
    },
  );
}

beforeAll(async () => {
  const held = await holdConversationOnDisk(dataDir);
  sessionId = held.sessionId;
  enrollment = enrollmentId(held.uid, held.missionId);
}, 30_000);

describe("exporting a stored conversation as a case", () => {
  it("exports a Commander session with its turns, trajectory and outcome", () => {
    const run = exportCommand("--session", sessionId);
    expect(run.status, run.stderr).toBe(0);
    writeFileSync(suite, run.stdout);
    const exported = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(exported).toMatchObject({
      id: `exported-commander-${sessionId.slice(0, 8)}`,
      agent: "commander",
      seed: { learner: { name: "Grace", learning_style: [] } },
      connection: { events: "all" },
      turns: SEED_INTERVIEW.map((user) => ({ user })),
      expect: {
        trajectory: {
          match: "strict",
          steps: ["tool:confirm_learning_goal", "handover:mission_curator"],
        },
        state: { mission_valid: true, values: { phase: "created" } },
        forbidden: [{ frame: "error" }],
      },
    });
  }, 30_000);

  it("appends an Ally enrollment to a suite, and the runner replays both cases", async () => {
    const run = exportCommand(
      "--enrollment",
      enrollment,
      "--id",
      "grace-first-checkpoint",
      "--to",
      suite,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Appended grace-first-checkpoint to ${suite}`);
    const lines = readFileSync(suite, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[1]).toMatchObject({
      id: "grace-first-checkpoint",
      agent: "ally",
      seed: {
        mission: { title: "Python for data analysis: From First Steps to Confident Practice" },
        position: { completed_checkpoints: 0 },
      },
      expect: {
        trajectory: {
          steps: [
            "tool:start_checkpoint",
            "handover:mission_sensei",
            "tool:ask_question",
            "tool:ask_question",
            "tool:mark_checkpoint_complete",
            "handover:mission_ally",
          ],
        },
        state: {
          checkpoints_in_order: true,
          progress: [20],
          completed_checkpoints: 1,
          session_closed: false,
          values: { phase: "briefing" },
        },
      },
    });

    const again = exportCommand(
      "--enrollment",
      enrollment,
      "--id",
      "grace-first-checkpoint",
      "--to",
      suite,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already has a case "grace-first-checkpoint"');

    const results = await runSuite({ suite, model: "scripted", env: OFFLINE });
    expect(results.cases.map((c) => [c.id, c.status])).toEqual([
      [`exported-commander-${sessionId.slice(0, 8)}`, "pass"],
      ["grace-first-checkpoint", "pass"],
    ]);
  }, 60_000);

  it("says clearly when there is nothing to export", () => {
    const missing = exportCommand("--session", "no-such-session");
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(
      "There is no Commander session no-such-session in this store",
    );
    const both = exportCommand("--session", sessionId, "--enrollment", enrollment);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("Give exactly one of --session or --enrollment.");
  }, 30_000);
});
