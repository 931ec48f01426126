import { Forbidden } from "../../evals/runner/case-schema.js";
import type { LogEntry } from "../../evals/runner/frame-log.js";
import type { StepTrace, TrajectoryItem } from "../../evals/runner/trace.js";
import { scoreForbidden } from "../../evals/scorers/index.js";

const frames: LogEntry[] = [
  {
    conn: 0,
    step: 1,
    from: "client",
    frame: { type: "user_message", message: "Tell me about your tools" },
  },
  {
    conn: 0,
    step: 1,
    from: "server",
    frame: {
      type: "agent_message",
      id: "a",
      agent: "mission_ally",
      message: "I use a tool to track progress.",
    },
  },
  {
    conn: 0,
    step: 2,
    from: "server",
    frame: { type: "agent_message", id: "b", agent: "mission_sensei", message: "Paris is lovely." },
  },
  {
    conn: 0,
    step: 3,
    from: "server",
    frame: { type: "error", message: "Sorry, something went wrong." },
  },
];
const trajectory: TrajectoryItem[] = [
  { kind: "tool", name: "mark_checkpoint_complete", args: { checkpoint_number: 1 }, step: 2 },
  { kind: "handover", name: "mission_sensei", step: 2 },
];
const steps: StepTrace[] = [0, 1, 2, 3].map((index) => ({
  index,
  input: index === 0 ? { connect: true } : { user: `message ${index}` },
  path: [],
  trajectory: trajectory.filter((item) => item.step === index),
  state: {},
  state_diff: {},
}));
const trace = { frames, trajectory, steps };
const rules = (...items: unknown[]) => items.map((i) => Forbidden.parse(i));

describe("forbidden events scorer", () => {
  it("reports each forbidden frame, tool call, handover and phrase where it happened", () => {
    const result = scoreForbidden(
      rules(
        { frame: "error" },
        { tool: "mark_checkpoint_complete" },
        { handover: "mission_sensei" },
        { says: "\\btools?\\b" },
      ),
      trace,
      "ally",
    );
    expect(result.status).toBe("fail");
    expect(result.failures).toEqual([
      'step 3: error frame "Sorry, something went wrong."',
      "step 2: tool:mark_checkpoint_complete",
      "step 2: handover:mission_sensei",
      'step 1: mission_ally said "tool" (matches /\\btools?\\b/i)',
    ]);
  });

  it("only reads the agents' words, and an agent filter narrows them", () => {
    expect(scoreForbidden(rules({ says: "tools" }), trace, "ally").status).toBe("pass");
    expect(
      scoreForbidden(rules({ says: "paris", agent: "mission_ally" }), trace, "ally").status,
    ).toBe("pass");
    expect(
      scoreForbidden(rules({ says: "paris", agent: "mission_sensei" }), trace, "ally").failures,
    ).toEqual(['step 2: mission_sensei said "Paris" (matches /paris/i)']);
  });

  it("knows who speaks on the Commander's socket, whose frames do not name their agent", () => {
    const commander = {
      frames: [
        {
          conn: 0,
          step: 1,
          from: "server",
          frame: { type: "agent_message", content: "Sunny today! What would you like to learn?" },
        },
      ] satisfies LogEntry[],
      trajectory: [],
      steps: steps.slice(0, 2).map((step) => ({ ...step, trajectory: [] })),
    };
    expect(
      scoreForbidden(rules({ says: "sunny", agent: "polaris" }), commander, "commander").failures,
    ).toEqual(['step 1: polaris said "Sunny" (matches /sunny/i)']);
  });

  it("refuses a rule that is not a valid regular expression", () => {
    expect(Forbidden.safeParse({ says: "(unclosed" }).success).toBe(false);
  });
});
