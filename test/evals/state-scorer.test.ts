import type { LogEntry } from "../../evals/runner/frame-log.js";
import type { CaseTrace } from "../../evals/runner/trace.js";
import { scoreState } from "../../evals/scorers/index.js";

const CHECKPOINTS = ["Commits", "Branching", "Merging", "Pull requests"];

const MISSION = {
  id: "m1",
  title: "Git for Teams",
  short_description: "Collaborate with Git.",
  description: "Branches, merges and reviews.",
  level: "Beginner",
  topics_to_cover: ["Commits"],
  learning_goal: "Work on a shared repository.",
  byte_size_checkpoints: CHECKPOINTS,
  skills: ["Git"],
  is_public: false,
};

const server = (frame: LogEntry & { frame: unknown }) => frame;
const update = (completed: string[], progress: number): LogEntry =>
  server({
    conn: 0,
    step: 1,
    from: "server",
    frame: { type: "checkpoint_update", completed_checkpoints: completed, progress },
  });

function trace(frames: LogEntry[], overrides: Partial<CaseTrace> = {}): CaseTrace {
  return {
    steps: [
      {
        index: 1,
        input: { user: "hi" },
        path: [],
        trajectory: [],
        state: { phase: "briefing", goal: { level: "Beginner" } },
        state_diff: {},
      },
    ],
    frames,
    trajectory: [],
    checkpoints: CHECKPOINTS,
    stored: {},
    server_log: [],
    misses: [],
    ...overrides,
  };
}

describe("state scorer", () => {
  it("accepts checkpoints completed one at a time, in order, with matching progress", () => {
    const t = trace([update(["Commits"], 25), update(["Commits", "Branching"], 50)], {
      stored: {
        enrollment: {
          progress: 50,
          completed_checkpoints: ["Commits", "Branching"],
          completed: false,
        },
      },
    });
    const result = scoreState(
      { checkpoints_in_order: true, progress: [25, 50], completed_checkpoints: 2 },
      t,
    );
    expect(result).toEqual({ name: "state", status: "pass", failures: [] });
  });

  it("names a skipped checkpoint, wrong progress and a count that does not match", () => {
    const t = trace([update(["Commits"], 25), update(["Commits", "Merging"], 40)], {
      stored: {
        enrollment: {
          progress: 40,
          completed_checkpoints: ["Commits", "Merging"],
          completed: false,
        },
      },
    });
    const result = scoreState(
      { checkpoints_in_order: true, progress: [25, 50], completed_checkpoints: 3 },
      t,
    );
    expect(result.status).toBe("fail");
    expect(result.failures).toEqual([
      'checkpoint_update 2 completes ["Commits","Merging"], not the mission\'s first 2 checkpoints',
      "checkpoint_update 2 says progress 40, but 2/4 is 50",
      'the stored enrollment completed ["Commits","Merging"], out of order',
      "progress went [25,40], expected [25,50]",
      "the enrollment has 2 completed checkpoints, expected 3",
    ]);
  });

  it("checks the created mission against the product's mission schema and the store", () => {
    const created = (mission: unknown): LogEntry =>
      server({
        conn: 0,
        step: 5,
        from: "server",
        frame: { type: "mission_created", message: "ok", mission, enrollment: {} },
      });
    const good = trace([created(MISSION)], { stored: { mission: { id: "m1" } } });
    expect(scoreState({ mission_valid: true }, good).status).toBe("pass");

    const tooShort = { ...MISSION, byte_size_checkpoints: ["Only one"] };
    const bad = scoreState(
      { mission_valid: true },
      trace([created(tooShort)], { stored: { mission: { id: "other" } } }),
    );
    expect(bad.failures).toEqual([
      "the mission breaks its schema at byte_size_checkpoints: Too small: expected array to have >=4 items",
      "the mission in mission_created is not the one stored",
    ]);
    expect(scoreState({ mission_valid: true }, trace([])).failures).toEqual([
      "no mission_created frame: no mission was created",
    ]);
    expect(scoreState({ mission_valid: false }, good).failures).toEqual([
      "a mission was created, but none was expected",
    ]);
  });

  it("checks session_closed and final graph state values, dotted paths included", () => {
    const closed = trace([
      server({
        conn: 0,
        step: 2,
        from: "server",
        frame: { type: "session_closed", message: "done" },
      }),
    ]);
    expect(
      scoreState(
        { session_closed: true, values: { phase: "briefing", "goal.level": "Beginner" } },
        closed,
      ).status,
    ).toBe("pass");
    const result = scoreState(
      { session_closed: false, values: { phase: "done", "goal.topic": "Git" } },
      closed,
    );
    expect(result.failures).toEqual([
      "the session was closed",
      'state phase is "briefing", expected "done"',
      'state goal.topic is null, expected "Git"',
    ]);
  });
});
