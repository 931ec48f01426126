import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { diffRuns } from "../../evals/report/diff.js";
import type { RunResults } from "../../evals/report/results.js";
import { readBaseline, writeRun } from "../../evals/report/run-files.js";
import { runEvalCommand } from "../../evals/runner/command.js";
import { runSuite } from "../../evals/runner/run-suite.js";

// What a prompt engineer does: run the suite as a baseline, edit a prompt, run one command, and
// see which conversations regressed and why. Offline, the prompts reach a model only in replay:
// the offline tutor plays from the session the graph hands it, whatever the prompt says, while a
// cassette answers exactly the requests it recorded, so an edited prompt shows in every
// conversation that sends it.

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const OFFLINE = { ...process.env, GOOGLE_API_KEY: "", NO_COLOR: "1" };
const work = mkdtempSync(join(tmpdir(), "eval-regression-"));
const edited = join(work, "prompts");

let baseline: RunResults;
let baselineFile: string;

/** Collects what a command writes, as a terminal would show it. */
function sink() {
  let text = "";
  const stream = {
    isTTY: false,
    write: (chunk: string) => ((text += chunk), true),
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

beforeAll(async () => {
  baseline = await runSuite({ suite: "evals/cases", model: "replay", env: OFFLINE });
  baselineFile = writeRun(baseline, join(work, "baseline")).results;
  // The edit: the teacher's session context loses the checkpoint number it completes with.
  cpSync(join(REPO, "prompts"), edited, { recursive: true });
  const sensei = join(edited, "ally", "mission_sensei.md");
  const before = readFileSync(sensei, "utf8");
  const after = before.replace("- checkpoint_number: {{checkpoint_number}}\n", "");
  expect(after).not.toBe(before);
  writeFileSync(sensei, after);
}, 60_000);

describe("a prompt edit against the last baseline", () => {
  it("exits non-zero with --fail-on-regression and names each regression and its cause", () => {
    const out = join(work, "edited-run");
    const run = spawnSync(
      "npm",
      [
        "run",
        "--silent",
        "eval",
        "--",
        "--model",
        "replay",
        "--prompts-dir",
        edited,
        "--baseline",
        baselineFile,
        "--fail-on-regression",
        "--out",
        out,
      ],
      { cwd: REPO, env: OFFLINE, encoding: "utf8", timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(1);

    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as RunResults;
    // Every conversation that reaches the teacher sends the edited prompt.
    const teaching = baseline.cases
      .filter((c) => c.trajectory.includes("handover:mission_sensei"))
      .map((c) => c.id)
      .sort();
    expect(teaching.length).toBeGreaterThanOrEqual(5);
    const diff = results.baseline!;
    expect(diff.prompts_changed).toEqual(["ally/mission_sensei.md"]);
    const regressed = diff.cases.filter((c) => c.change === "regressed");
    expect(regressed.map((c) => c.id).sort()).toEqual(teaching);
    for (const change of regressed) {
      expect(change.trajectory_changed, change.id).toBe(true);
      expect(change.newly_failing, change.id).toEqual(
        expect.arrayContaining(["replay", "trajectory"]),
      );
      expect(change.trajectory_after, change.id).not.toContain("tool:mark_checkpoint_complete");
    }
    // Conversations that never reach the teacher are untouched.
    const unaffected = diff.cases.filter((c) => !teaching.includes(c.id));
    expect(unaffected.every((c) => c.change === "still_passing" && !c.trajectory_changed)).toBe(
      true,
    );

    expect(run.stdout).toContain(
      `Against ${baselineFile} (replay): ${teaching.length} regressed, 0 fixed`,
    );
    expect(run.stdout).toContain("prompts changed since then: ally/mission_sensei.md");
    expect(run.stdout).toMatch(/REGRESSED\s+ally-full-mission {2}now failing: replay, trajectory/);
    expect(run.stdout).toContain("the closest recording differs at system");
    expect(run.stdout).toContain(
      "trajectory from step 1: was tool:start_checkpoint, handover:mission_sensei, tool:ask_question, tool:ask_question, … (20 more); now (end)",
    );

    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain('<span class="badge regressed">regressed</span>');
    expect(report).toContain("<code>ally/mission_sensei.md</code>");
    expect(report).toMatch(/<details class="case failing" id="case-ally-full-mission" open>/);
    // Self-contained: no scripts, stylesheets or images from anywhere.
    expect(report).not.toMatch(/<script|<link|\ssrc=/);
  }, 60_000);

  it("exits 0 without --fail-on-regression, and the way back reads as fixed", async () => {
    const stdout = sink();
    const stderr = sink();
    const out = join(work, "limited-run");
    const code = await runEvalCommand(
      [
        "evals/cases",
        "--case",
        "ally-final-checkpoint",
        "--model",
        "replay",
        "--prompts-dir",
        edited,
        "--baseline",
        baselineFile,
        "--out",
        out,
      ],
      { stdout: stdout.stream, stderr: stderr.stream, env: OFFLINE },
    );
    expect(code).toBe(0);
    expect(stdout.text()).toContain(
      "1 regressed, 0 fixed, 1 trajectories changed, 0 edited, 0 new, 0 removed",
    );
    expect(stderr.text()).toBe("[1/1] FAIL  ally-final-checkpoint\n");

    const editedRun = readBaseline(join(out, "results.json"));
    const back = diffRuns(
      editedRun,
      { ...baseline, run: { ...baseline.run, only: ["ally-final-checkpoint"] } },
      out,
    );
    expect(back.cases.find((c) => c.id === "ally-final-checkpoint")?.change).toBe("fixed");
  }, 60_000);

  it("refuses a prompts folder that is not a full copy, and bad options, with exit 2", async () => {
    const empty = mkdtempSync(join(tmpdir(), "eval-prompts-"));
    const stderr = sink();
    const io = { stdout: sink().stream, stderr: stderr.stream, env: OFFLINE };
    expect(await runEvalCommand(["--prompts-dir", empty], io)).toBe(2);
    expect(stderr.text()).toMatch(
      /--prompts-dir .* lacks ally\/lumina\.md, ally\/mission_sensei\.md, ally\/mission_sensei_check\.md, commander\/mission_curator\.md, commander\/polaris\.md/,
    );
    expect(await runEvalCommand(["--model", "gpt"], io)).toBe(2);
    expect(stderr.text()).toContain("--model must be one of scripted, replay, gemini, got gpt");
    expect(await runEvalCommand(["--model", "gemini"], io)).toBe(2);
    expect(stderr.text()).toContain("--model gemini needs GOOGLE_API_KEY");
    expect(await runEvalCommand(["--baseline", join(work, "nowhere")], io)).toBe(2);
    expect(stderr.text()).toContain("no such run or results.json");
  });
});
