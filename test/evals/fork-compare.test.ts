import type { Turn } from "../../graphs/index.js";
import { compareTurns } from "../../evals/fork/compare.js";

// How two continuations are set side by side: each part compared, the state field by field.

const turn = (text: string, state: Record<string, unknown>, tool = "ask_question"): Turn => ({
  id: text,
  learner: "I think so",
  steps: [
    { node: "intake", said: [] },
    {
      node: "mission_sensei:teach",
      said: [
        { kind: "say", text },
        { kind: "tool_call", name: tool, args: "{}" },
        { kind: "tool_result", text: "Recorded." },
      ],
    },
  ],
  unattributed: [],
  state,
});

it("marks each part that differs, and lists state changes without the times", () => {
  const original = turn("Well done!", { phase: "teaching", asked_at: "1", progress: 0 });
  const fork = turn("Well done! Sensei Kai", { phase: "briefing", asked_at: "2", progress: 0 });
  const [compared] = compareTurns([original], [fork], 4);
  expect(compared).toMatchObject({
    turn: 4,
    learner: "I think so",
    original: {
      replies: ["Well done!"],
      path: ["intake", "mission_sensei:teach"],
      tools: ["ask_question({})", "→ Recorded."],
    },
    fork: { replies: ["Well done! Sensei Kai"] },
    differs: { replies: true, path: false, tools: false, state: true },
    state_changes: [{ path: "phase", kind: "changed", before: "teaching", after: "briefing" }],
  });
});

it("shows a turn only one side has", () => {
  const only = turn("Hello", { phase: "greeting" }, "start_checkpoint");
  const [compared] = compareTurns([only], [], 2);
  expect(compared?.fork).toBeUndefined();
  expect(compared?.differs).toEqual({ replies: true, path: true, tools: true, state: true });
  const [same] = compareTurns([only], [only], 2);
  expect(same?.differs).toEqual({ replies: false, path: false, tools: false, state: false });
});
