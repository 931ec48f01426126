import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffRuns, trajectoryChange } from "../../evals/report/diff.js";
import { RESULTS_FORMAT, type CaseResult, type RunResults } from "../../evals/report/results.js";
import {
  BaselineError,
  readBaseline,
  resolveBaseline,
  writeRun,
} from "../../evals/report/run-files.js";
import { summarise } from "../../evals/report/summary.js";
import type { CheckResult } from "../../evals/scorers/index.js";

const check = (
  name: CheckResult["name"],
  status: CheckResult["status"],
  score?: number,
): CheckResult => ({
  name,
  status,
  failures: status === "fail" ? ["something"] : [],
  ...(score ? { score } : {}),
});

function result(
  id: string,
  status: CaseResult["status"],
  trajectory: string[],
  checks: CheckResult[],
): CaseResult {
  return {
    id,
    agent: "ally",
    tags: [],
    source: "ally.jsonl:1",
    status,
    checks,
    trajectory,
    duration_ms: 10,
  };
}

function run(
  id: string,
  cases: CaseResult[],
  prompts: Record<string, string>,
  only: string[] = [],
): RunResults {
  return {
    format: RESULTS_FORMAT,
    run: {
      id,
      started_at: "2026-11-22T00:00:00.000Z",
      git: { sha: "abc1234", dirty: false },
      suite: "evals/cases",
      only,
      model: "scripted",
      repeat: 1,
      record: false,
      prompts_dir: "/prompts",
      prompts,
      concurrency: 4,
      node: "v20",
      duration_ms: 100,
    },
    summary: summarise(cases),
    cases,
  };
}

const FULL = [
  "tool:start_checkpoint",
  "handover:mission_sensei",
  "tool:mark_checkpoint_complete",
  "handover:mission_ally",
];
const CUT = FULL.slice(0, 2);

const BASELINE = run(
  "20261122T000000Z-abc1234",
  [
    result("keeps-passing", "pass", FULL, [check("trajectory", "pass"), check("judge", "pass", 5)]),
    result("breaks", "pass", FULL, [check("trajectory", "pass"), check("state", "pass")]),
    result("gets-fixed", "fail", CUT, [check("trajectory", "fail"), check("state", "pass")]),
    result("keeps-failing", "fail", CUT, [check("trajectory", "pass"), check("state", "fail")]),
    result("goes-away", "pass", [], [check("protocol", "pass")]),
  ],
  { "ally/lumina.md": "1111", "ally/mission_sensei.md": "2222" },
);

const CURRENT = run(
  "20261122T010000Z-abc1234",
  [
    result("keeps-passing", "pass", FULL, [check("trajectory", "pass"), check("judge", "pass", 4)]),
    result("breaks", "fail", CUT, [check("trajectory", "fail"), check("state", "fail")]),
    result("gets-fixed", "pass", FULL, [check("trajectory", "pass"), check("state", "pass")]),
    result("keeps-failing", "error", [], []),
    result("arrives", "pass", FULL, [check("protocol", "pass")]),
  ],
  { "ally/lumina.md": "1111", "ally/mission_sensei.md": "3333", "commander/polaris.md": "4444" },
);

describe("baseline diff", () => {
  it("sorts every case into regressed, fixed, still failing or passing, new and removed", () => {
    const diff = diffRuns(readBaselineFrom(BASELINE), CURRENT, "/runs/base/results.json");
    expect(diff.counts).toEqual({
      regressed: 1,
      fixed: 1,
      trajectory_changed: 3,
      edited: 0,
      new: 1,
      removed: 1,
    });
    expect(diff.prompts_changed).toEqual(["ally/mission_sensei.md", "commander/polaris.md"]);
    const byId = new Map(diff.cases.map((c) => [c.id, c]));
    expect(byId.get("breaks")).toMatchObject({
      change: "regressed",
      before: "pass",
      after: "fail",
      trajectory_changed: true,
      trajectory_before: FULL,
      trajectory_after: CUT,
      newly_failing: ["trajectory", "state"],
      newly_passing: [],
    });
    expect(byId.get("gets-fixed")).toMatchObject({
      change: "fixed",
      newly_passing: ["trajectory"],
      trajectory_changed: true,
    });
    expect(byId.get("keeps-failing")).toMatchObject({ change: "still_failing", after: "error" });
    expect(byId.get("keeps-passing")).toMatchObject({
      change: "still_passing",
      trajectory_changed: false,
      judge_delta: -1,
    });
    expect(byId.get("arrives")?.change).toBe("new");
    expect(byId.get("goes-away")?.change).toBe("removed");
  });

  it("pairs cases by their content: an edited case is edited, not regressed; a renamed one is itself", () => {
    const hashed = (r: CaseResult, content_hash: string): CaseResult => ({ ...r, content_hash });
    const [keeps, breaks, fixed] = BASELINE.cases;
    const before = run(
      "before",
      [hashed(keeps!, "aaaa"), hashed(breaks!, "bbbb"), hashed(fixed!, "cccc")],
      {},
    );
    const after = run(
      "after",
      [
        // The same content under a new name still passes: nothing changed.
        { ...hashed(keeps!, "aaaa"), id: "keeps-passing-renamed" },
        // The case was edited (a stricter expectation), and now fails: edited, not regressed.
        { ...hashed(breaks!, "bbbb-edited"), status: "fail", checks: [check("state", "fail")] },
        // The case was edited, and now passes: edited, not fixed.
        { ...hashed(fixed!, "cccc-edited"), status: "pass" },
      ],
      {},
    );
    const diff = diffRuns(readBaselineFrom(before), after, "base");
    expect(diff.cases.map((c) => [c.id, c.change, c.renamed_from])).toEqual([
      ["keeps-passing-renamed", "still_passing", "keeps-passing"],
      ["breaks", "edited", undefined],
      ["gets-fixed", "edited", undefined],
    ]);
    expect(diff.counts).toMatchObject({ regressed: 0, fixed: 0, edited: 2, new: 0, removed: 0 });
    expect(diff.cases[1]).toMatchObject({ before: "pass", after: "fail", newly_failing: [] });
  });

  it("does not call cases removed when the run was limited to some of them", () => {
    const limited = run("limited", [CURRENT.cases[1]!], CURRENT.run.prompts, ["breaks"]);
    const diff = diffRuns(readBaselineFrom(BASELINE), limited, "base");
    expect(diff.cases.map((c) => [c.id, c.change])).toEqual([["breaks", "regressed"]]);
  });

  it("says where two trajectories part", () => {
    expect(trajectoryChange(FULL, CUT)).toBe(
      "from step 3: was tool:mark_checkpoint_complete, handover:mission_ally; now (end)",
    );
    expect(trajectoryChange(CUT, FULL)).toBe(
      "from step 3: was (end); now tool:mark_checkpoint_complete, handover:mission_ally",
    );
  });

  it("finds a baseline by run folder, results.json or `last`, and rejects anything else", () => {
    const runs = mkdtempSync(join(tmpdir(), "eval-runs-"));
    const older = writeRun(BASELINE, join(runs, BASELINE.run.id));
    const newer = writeRun(CURRENT, join(runs, CURRENT.run.id));
    mkdirSync(join(runs, "20991231T000000Z-unfinished"));
    expect(resolveBaseline("last", runs)).toBe(newer.results);
    expect(resolveBaseline(join(runs, BASELINE.run.id), runs)).toBe(older.results);
    expect(resolveBaseline(older.results, runs)).toBe(older.results);
    expect(readBaseline(older.results).cases.map((c) => c.id)).toEqual(
      BASELINE.cases.map((c) => c.id),
    );

    expect(() => resolveBaseline("last", join(runs, "empty"))).toThrow(BaselineError);
    expect(() => resolveBaseline(join(runs, "missing"), runs)).toThrow(
      "no such run or results.json",
    );
    const stranger = join(runs, "stranger.json");
    writeFileSync(stranger, JSON.stringify({ hello: "world" }));
    expect(() => readBaseline(stranger)).toThrow(/is not an eval run's results.json \(format: /);
  });
});

/** A baseline as the diff reads it back from disk. */
function readBaselineFrom(results: RunResults) {
  const dir = mkdtempSync(join(tmpdir(), "eval-baseline-"));
  return readBaseline(writeRun(results, dir).results);
}
