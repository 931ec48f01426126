import { Forbidden } from "../../evals/runner/case-schema.js";
import type { LogEntry } from "../../evals/runner/frame-log.js";
import type { TrajectoryItem } from "../../evals/runner/trace.js";
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
      { frames, trajectory },
    );
    expect(result.status).toBe("fail");
    expect(result.failures).toEqual([
      'step 3: error frame "Sorry, something went wrong."',
      "step 2: tool:mark_checkpoint_complete",
      "step 2: handover:mission_sensei",
      'step 1: said "tool" (matches /\\btools?\\b/i)',
    ]);
  });

  it("only reads the agents' words, and an agent filter narrows them", () => {
    expect(scoreForbidden(rules({ says: "tools" }), { frames, trajectory }).status).toBe("pass");
    expect(
      scoreForbidden(rules({ says: "paris", agent: "mission_ally" }), { frames, trajectory })
        .status,
    ).toBe("pass");
    expect(
      scoreForbidden(rules({ says: "paris", agent: "mission_sensei" }), { frames, trajectory })
        .failures,
    ).toEqual(['step 2: said "Paris" (matches /paris/i)']);
  });

  it("refuses a rule that is not a valid regular expression", () => {
    expect(Forbidden.safeParse({ says: "(unclosed" }).success).toBe(false);
  });
});
