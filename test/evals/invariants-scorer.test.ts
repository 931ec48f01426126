import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../evals/runner/frame-log.js";
import type { StepTrace } from "../../evals/runner/trace.js";
import { scoreInvariants } from "../../evals/scorers/index.js";

const CHECKPOINTS = ["Commits", "Branching", "Merging", "Pull requests"];

type Event =
  | { learner: string }
  | { ally: string }
  | { sensei: string }
  | { handover: "mission_sensei" | "mission_ally" }
  | { completed: number };

/** A conversation as frames, one step per learner message. */
function conversation(events: Event[], evidence?: unknown) {
  const frames: LogEntry[] = [];
  let step = 0;
  for (const event of events) {
    if ("learner" in event) {
      step += 1;
      frames.push({
        conn: 0,
        step,
        from: "client",
        frame: { type: "user_message", message: event.learner },
      });
    } else if ("ally" in event || "sensei" in event) {
      const [agent, message] =
        "ally" in event ? ["mission_ally", event.ally] : ["mission_sensei", event.sensei];
      frames.push({
        conn: 0,
        step,
        from: "server",
        frame: { type: "agent_message", id: `m${frames.length}`, agent, message },
      });
    } else if ("handover" in event) {
      frames.push({
        conn: 0,
        step,
        from: "server",
        frame: { type: "agent_handover", agent: event.handover, message: "" },
      });
    } else {
      const done = CHECKPOINTS.slice(0, event.completed);
      frames.push({
        conn: 0,
        step,
        from: "server",
        frame: {
          type: "checkpoint_update",
          completed_checkpoints: done,
          progress: (done.length / 4) * 100,
        },
      });
    }
  }
  const steps: StepTrace[] = Array.from({ length: step + 1 }, (_, index) => ({
    index,
    input: index === 0 ? { connect: true } : { user: "…" },
    path: [],
    trajectory: [],
    state: evidence === undefined ? {} : { evidence },
    state_diff: {},
  }));
  return { frames, steps, checkpoints: CHECKPOINTS };
}

const ANSWER = "A commit is a saved snapshot I can go back to.";
const evidenceFor = (answer = ANSWER) => [
  {
    checkpoint: 0,
    title: "Commits",
    completed_at: "t",
    answers: [{ question: "Q?", answer, verdict: "understood", answered_at: "t" }],
  },
];
const BRIEF = "### Checkpoint 1 of 4: Commits … Does that fit?";

describe("pedagogy invariants", () => {
  it("pass a checkpoint briefed, taught, answered in the learner's words and completed", () => {
    const trace = conversation(
      [
        { learner: "Hi" },
        { ally: BRIEF },
        { learner: "Yes" },
        { handover: "mission_sensei" },
        { sensei: "What is a commit?" },
        { learner: ANSWER },
        { sensei: "How confident do you feel?" },
        { learner: "Very confident" },
        { sensei: "Great!" },
        { completed: 1 },
        { handover: "mission_ally" },
        { ally: "### Checkpoint 2 of 4: Branching …" },
      ],
      evidenceFor(),
    );
    expect(scoreInvariants("ally", trace)).toMatchObject({ status: "pass", failures: [] });
  });

  it("fail a completion earned by agreement and gibberish alone", () => {
    const trace = conversation([
      { learner: "Hi" },
      { ally: BRIEF },
      { learner: "yes asdf" },
      { handover: "mission_sensei" },
      { learner: "yes asdf" },
      { learner: "Yes, confident. Done." },
      { completed: 1 },
    ]);
    expect(scoreInvariants("ally", trace).failures).toEqual([
      'step 4: checkpoint 1 ("Commits") was completed without a substantive answer from the learner',
    ]);
  });

  it("fail evidence that holds something the learner never said, or no answers at all", () => {
    const events: Event[] = [
      { ally: BRIEF },
      { learner: "Yes" },
      { handover: "mission_sensei" },
      { learner: ANSWER },
      { completed: 1 },
    ];
    expect(
      scoreInvariants("ally", conversation(events, evidenceFor("I'm confident."))).failures,
    ).toEqual([
      `step 2: checkpoint 1's evidence holds "I'm confident.", which is no substantive answer the learner sent`,
    ]);
    expect(scoreInvariants("ally", conversation(events, [])).failures).toEqual([
      "step 2: checkpoint 1 was completed with no answers recorded as its evidence",
    ]);
  });

  it("fail a skipped checkpoint and a checkpoint taught without its briefing", () => {
    const trace = conversation([
      { learner: "Hi" },
      { ally: "Welcome! Shall we start?" },
      { learner: "Yes" },
      { handover: "mission_sensei" },
      { learner: ANSWER },
      { completed: 2 },
    ]);
    expect(scoreInvariants("ally", trace).failures).toEqual([
      'step 2: checkpoint 1 ("Commits") was taught without being briefed',
      'step 3: progress jumped from 0 to 2 checkpoints (["Commits","Branching"]), skipping one',
    ]);
  });

  it("start from the checkpoints a case seeds as done", () => {
    const trace = conversation([
      { ally: "### Checkpoint 3 of 4: Merging" },
      { learner: "Yes" },
      { handover: "mission_sensei" },
      { learner: "Merging joins two branches back together." },
      { completed: 3 },
    ]);
    expect(scoreInvariants("ally", trace, 2).status).toBe("pass");
    expect(scoreInvariants("ally", trace, 0).failures[0]).toMatch(
      /checkpoint 1 \("Commits"\) was taught without being briefed/,
    );
  });

  it("fail an empty agent message, on either agent", () => {
    const trace = conversation([{ learner: "Hi" }, { ally: "   " }]);
    expect(scoreInvariants("ally", trace).failures).toEqual(["step 1: an empty agent message"]);
    const commander = {
      frames: [
        { conn: 0, step: 1, from: "server", frame: { type: "agent_message", content: "" } },
      ] as LogEntry[],
      steps: trace.steps,
    };
    expect(scoreInvariants("commander", commander).failures).toEqual([
      "step 1: an empty agent message",
    ]);
  });
});
