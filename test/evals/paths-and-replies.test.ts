import { describe, expect, it } from "vitest";
import {
  ExpectedStep,
  NodeExpectations,
  ReplyExpectation,
} from "../../evals/runner/case-schema.js";
import type { LogEntry } from "../../evals/runner/frame-log.js";
import type { StepTrace } from "../../evals/runner/trace.js";
import { combineRuns } from "../../evals/report/repeat.js";
import type { CaseResult } from "../../evals/report/results.js";
import { summarise } from "../../evals/report/summary.js";
import {
  scoreNodes,
  scoreReplies,
  scoreState,
  scoreTrajectory,
} from "../../evals/scorers/index.js";

const PATHS = [
  ["intake", "lumina"],
  ["intake", "lumina", "mission_sensei:teach", "mission_sensei:ask_question"],
];

const steps: StepTrace[] = [
  { index: 0, input: { connect: true }, path: [], trajectory: [], state: {}, state_diff: {} },
  ...PATHS.map((path, i) => ({
    index: i + 1,
    input: { user: `message ${i + 1}` },
    path,
    trajectory: [],
    state: { phase: "teaching", assessments: [{ status: "open", question: "What is a commit?" }] },
    state_diff: {},
  })),
];

const nodes = (value: unknown) => scoreNodes(NodeExpectations.parse(value), { steps });

describe("graph-node trajectories, per learner message", () => {
  it("strict wants the same nodes in the same order", () => {
    expect(nodes({ match: "strict", turns: PATHS }).status).toBe("pass");
    const result = nodes({ match: "strict", turns: [PATHS[0], ["intake", "lumina"]] });
    expect(result.failures).toEqual([
      "learner message 2 differs: expected intake → lumina, ran intake → lumina → mission_sensei:teach → mission_sensei:ask_question",
    ]);
  });

  it("unordered wants the same nodes as often, in any order", () => {
    const reversed = PATHS.map((path) => [...path].reverse());
    expect(nodes({ match: "unordered", turns: reversed }).status).toBe("pass");
    expect(nodes({ match: "unordered", turns: [PATHS[0], PATHS[0]] }).status).toBe("fail");
  });

  it("subset wants nothing unexpected; superset wants everything expected", () => {
    const wide = [
      [...PATHS[0]!, "mission_sensei:teach"],
      [...PATHS[1]!, "mission_sensei:mark_complete"],
    ];
    expect(nodes({ match: "subset", turns: wide }).status).toBe("pass");
    expect(nodes({ match: "subset", turns: [["lumina"], null] }).failures).toEqual([
      "learner message 1 also ran intake: expected lumina, ran intake → lumina",
    ]);
    expect(
      nodes({ match: "superset", turns: [["lumina"], ["mission_sensei:ask_question"]] }).status,
    ).toBe("pass");
    expect(
      nodes({ match: "superset", turns: [null, ["mission_sensei:mark_complete"]] }).failures,
    ).toEqual([
      "learner message 2 never ran mission_sensei:mark_complete: expected mission_sensei:mark_complete, ran intake → lumina → mission_sensei:teach → mission_sensei:ask_question",
    ]);
  });

  it("wants a path for every learner message", () => {
    expect(nodes({ match: "superset", turns: [null] }).failures).toEqual([
      "2 learner messages ran, 1 paths were expected",
    ]);
  });
});

describe("expected replies", () => {
  const frames: LogEntry[] = [
    { conn: 0, step: 1, from: "client", frame: { type: "user_message", message: "Hi" } },
    {
      conn: 0,
      step: 1,
      from: "server",
      frame: {
        type: "agent_message",
        id: "a",
        agent: "mission_ally",
        message: "Checkpoint 1 of 4. Does that fit?",
      },
    },
    {
      conn: 0,
      step: 2,
      from: "client",
      frame: { type: "user_message", message: "What is the capital of France?" },
    },
    {
      conn: 0,
      step: 2,
      from: "server",
      frame: {
        type: "agent_message",
        id: "b",
        agent: "mission_ally",
        message: "Paris. Back to checkpoint 1: does it fit?",
      },
    },
  ];
  const replies = (...rules: unknown[]) =>
    scoreReplies(
      rules.map((r) => ReplyExpectation.parse(r)),
      { frames, steps },
      "ally",
    );

  it("finds a matching message in the turn and from the agent named", () => {
    expect(replies({ turn: 2, agent: "mission_ally", text: { regex: "fit\\?$" } }).status).toBe(
      "pass",
    );
    expect(replies({ text: { contains: "checkpoint 1 of 4" } }).status).toBe("pass");
    expect(replies({ turn: 1, text: { not: { contains: "Paris" } } }).status).toBe("pass");
  });

  it("says what was said instead", () => {
    expect(replies({ turn: 1, text: { contains: "Paris" } }).failures).toEqual([
      'the reply to learner message 1: nothing contains "Paris"; said "Checkpoint 1 of 4. Does that fit?"',
    ]);
    expect(
      replies({ turn: 2, agent: "mission_sensei", text: { contains: "fit" } }).failures,
    ).toEqual([
      'the reply to learner message 2 by mission_sensei: nothing contains "fit"; said nothing',
    ]);
    expect(replies({ turn: 3, text: "x" }).failures).toEqual([
      "the reply to learner message 3: the conversation has no learner message 3",
    ]);
  });
});

describe("matchers in tool arguments and state values", () => {
  it("match a tool call's arguments, and show the rule when they do not", () => {
    const call = {
      kind: "tool" as const,
      name: "confirm_learning_goal",
      step: 1,
      args: { topic: "Python for data", level: "Beginner" },
    };
    const step = (args: unknown) => [ExpectedStep.parse({ tool: "confirm_learning_goal", args })];
    expect(
      scoreTrajectory(step({ topic: { contains: "python" }, level: "Beginner" }), "strict", [call])
        .status,
    ).toBe("pass");
    expect(
      scoreTrajectory(step({ topic: { not: { regex: "^hola" } } }), "strict", [call]).status,
    ).toBe("pass");
    const failed = scoreTrajectory(step({ level: { regex: "^adv" } }), "strict", [call]);
    expect(failed.failures[0]).toBe(
      "differs at step 1: expected tool:confirm_learning_goal {level matches /^adv/i}, got tool:confirm_learning_goal",
    );
  });

  it("match state values by dotted path", () => {
    const trace = { frames: [], stored: {}, steps };
    expect(
      scoreState({ values: { "assessments.0.status": "open", phase: { not: "done" } } }, trace)
        .status,
    ).toBe("pass");
    expect(
      scoreState({ values: { assessments: { contains: { status: "closed" } } } }, trace).failures,
    ).toEqual([
      'state assessments is [{"status":"open","question":"What is a commit?"}], expected contains {"status":"closed"}',
    ]);
  });
});

describe("repeated runs", () => {
  const outcome = (status: CaseResult["status"]): CaseResult => ({
    id: "c",
    agent: "ally",
    tags: [],
    source: "ally.jsonl:1",
    status,
    checks: status === "pass" ? [] : [{ name: "trajectory", status: "fail", failures: ["x"] }],
    trajectory: [],
    duration_ms: 100,
  });

  it("pass only when every run passes, and report pass@k and pass^k", () => {
    const flaky = combineRuns([outcome("pass"), outcome("fail"), outcome("pass")]);
    expect(flaky).toMatchObject({
      status: "fail",
      duration_ms: 300,
      repeat: { k: 3, passed: 2, pass_at_k: true, pass_hat_k: false },
    });
    expect(flaky.repeat!.runs.map((r) => [r.status, r.failed])).toEqual([
      ["pass", []],
      ["fail", ["trajectory"]],
      ["pass", []],
    ]);
    // The checks shown are the failing run's, so the report says why.
    expect(flaky.checks[0]?.status).toBe("fail");
    const steady = combineRuns([outcome("pass"), outcome("pass"), outcome("pass")]);
    const broken = combineRuns([outcome("error"), outcome("error"), outcome("error")]);
    expect(steady.status).toBe("pass");
    expect(broken.status).toBe("error");
    expect(summarise([flaky, steady, broken]).repeat).toEqual({
      k: 3,
      pass_at_k: 2,
      pass_hat_k: 1,
    });
  });
});
