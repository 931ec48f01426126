import { ExpectedStep } from "../../evals/runner/case-schema.js";
import type { TrajectoryItem } from "../../evals/runner/trace.js";
import { scoreTrajectory } from "../../evals/scorers/index.js";

const expected = (...steps: unknown[]) => steps.map((s) => ExpectedStep.parse(s));

const item = (label: string, args?: Record<string, unknown>): TrajectoryItem => {
  const [kind, name] = label.split(":") as ["tool" | "handover", string];
  return { kind, name, step: 1, ...(args ? { args } : {}) };
};

const ACTUAL = [
  item("tool:start_checkpoint"),
  item("handover:mission_sensei"),
  item("tool:mark_checkpoint_complete", { checkpoint_number: 1 }),
  item("handover:mission_ally"),
];

describe("trajectory scorer", () => {
  it("strict: passes on the same steps in the same order, and names the first difference", () => {
    const same = expected(
      "tool:start_checkpoint",
      "handover:mission_sensei",
      "tool:mark_checkpoint_complete",
      "handover:mission_ally",
    );
    expect(scoreTrajectory(same, "strict", ACTUAL)).toEqual({
      name: "trajectory",
      status: "pass",
      failures: [],
    });

    const swapped = expected(
      "tool:start_checkpoint",
      "tool:mark_checkpoint_complete",
      "handover:mission_sensei",
      "handover:mission_ally",
    );
    const result = scoreTrajectory(swapped, "strict", ACTUAL);
    expect(result.status).toBe("fail");
    expect(result.failures[0]).toBe(
      "differs at step 2: expected tool:mark_checkpoint_complete, got handover:mission_sensei",
    );

    const shorter = scoreTrajectory(same.slice(0, 2), "strict", ACTUAL);
    expect(shorter.failures[0]).toBe(
      "differs at step 3: expected the end, got tool:mark_checkpoint_complete",
    );
  });

  it("unordered: the same multiset in any order, counting repeats", () => {
    const reordered = expected(
      "handover:mission_ally",
      "tool:mark_checkpoint_complete",
      "handover:mission_sensei",
      "tool:start_checkpoint",
    );
    expect(scoreTrajectory(reordered, "unordered", ACTUAL).status).toBe("pass");
    const twice = scoreTrajectory(
      [...reordered, ...expected("tool:start_checkpoint")],
      "unordered",
      ACTUAL,
    );
    expect(twice.failures).toEqual(["missing: tool:start_checkpoint"]);
    const fewer = scoreTrajectory(reordered.slice(1), "unordered", ACTUAL);
    expect(fewer.failures).toEqual(["unexpected: handover:mission_ally"]);
  });

  it("subset: every actual step was expected, expected ones may be left out", () => {
    const wider = expected(
      ...ACTUAL.map((i) => `${i.kind}:${i.name}`),
      "tool:fetch_youtube_videos",
    );
    expect(scoreTrajectory(wider, "subset", ACTUAL).status).toBe("pass");
    const narrower = scoreTrajectory(
      expected("tool:start_checkpoint", "handover:mission_sensei"),
      "subset",
      ACTUAL,
    );
    expect(narrower.failures).toEqual([
      "unexpected: tool:mark_checkpoint_complete",
      "unexpected: handover:mission_ally",
    ]);
  });

  it("superset: every expected step happened, others may too", () => {
    expect(scoreTrajectory(expected("handover:mission_sensei"), "superset", ACTUAL).status).toBe(
      "pass",
    );
    const absent = scoreTrajectory(
      expected("handover:mission_sensei", "tool:confirm_learning_goal"),
      "superset",
      ACTUAL,
    );
    expect(absent.failures).toEqual(["missing: tool:confirm_learning_goal"]);
  });

  it("matches pinned tool arguments as a subset of the call's, whatever the mode", () => {
    const pinned = expected({ tool: "mark_checkpoint_complete", args: { checkpoint_number: 1 } });
    expect(scoreTrajectory(pinned, "superset", ACTUAL).status).toBe("pass");
    const wrong = scoreTrajectory(
      expected({ tool: "mark_checkpoint_complete", args: { checkpoint_number: 2 } }),
      "superset",
      ACTUAL,
    );
    expect(wrong.failures).toEqual([
      "missing: tool:mark_checkpoint_complete {checkpoint_number 2}",
    ]);
  });

  it("gives a pinned step first pick, so a bare step cannot take the call it needs", () => {
    const actual = [
      item("tool:mark_checkpoint_complete", { checkpoint_number: 2 }),
      item("tool:mark_checkpoint_complete", { checkpoint_number: 1 }),
    ];
    const steps = expected("tool:mark_checkpoint_complete", {
      tool: "mark_checkpoint_complete",
      args: { checkpoint_number: 2 },
    });
    expect(scoreTrajectory(steps, "unordered", actual).status).toBe("pass");
  });
});
