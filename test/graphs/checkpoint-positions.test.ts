import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import type { MissionCreated } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { completionRefusal } from "../../tools/index.js";
import { openAllyHarness, type AllyHarness } from "./ally-harness.js";
import { answered, call, nextId, say } from "./fake-models.js";

// Missions stored before checkpoint titles had to differ may repeat one. Completion goes by
// position, so a learner on such a mission still gets through every checkpoint.

const checkpoints = ["Practice", "Practice", "Practice", "Practice"];
let store: Store;
let created: MissionCreated;
let setup: AllyHarness["setup"];

beforeEach(async () => {
  ({ store, created, setup } = await openAllyHarness({ title: "Scales", checkpoints }));
});
afterEach(() => store.close());

describe("a mission whose checkpoints share a title", () => {
  it("lets the teacher complete the second checkpoint after the first, as a new one", () => {
    const afterFirst = {
      phase: "teaching",
      active_agent: "mission_sensei",
      checkpoint_index: 1,
      completed_checkpoints: ["Practice"],
      progress: 25,
      assessments: [answered(1)],
      evidence: [],
    };
    expect(completionRefusal(afterFirst, checkpoints)).toBeUndefined();
    expect(
      completionRefusal(
        { ...afterFirst, completed_checkpoints: ["Practice", "Practice"] },
        checkpoints,
      ),
    ).toMatch(/already complete/);
  });

  it("completes a conversation that an earlier version left stuck at 25%", async () => {
    // As the earlier version left it: the first checkpoint stored once, and the thread teaching
    // checkpoint 2 with its completion refused as "already complete".
    await store.enrollments.recordProgress("u1", created.mission.id, {
      completed_checkpoints: ["Practice"],
      progress: 25,
      completed: false,
    });
    const lumina = fakeModel()
      .respond(say("Hi Ada! Checkpoint 1: Practice. Does that fit?"))
      .respond(say("On to checkpoint 3. Does that fit?"));
    const sensei = fakeModel().respond(call("mark_checkpoint_complete", {}, "Well done!"));
    const { graph, turn, events } = setup(lumina, sensei);
    await turn("Hi");
    await graph.updateState(
      { configurable: { thread_id: "t" } },
      {
        messages: [
          new AIMessage({ id: nextId("ai"), content: "What is a scale?" }),
          new HumanMessage({ id: nextId("h"), content: "A set of notes" }),
          new ToolMessage({
            id: nextId("tool"),
            tool_call_id: "refused",
            content: "Refused: this checkpoint is already complete.",
          }),
        ],
        phase: "teaching",
        active_agent: "mission_sensei",
        checkpoint_index: 1,
        completed_checkpoints: ["Practice"],
        progress: 25,
        learner_turns_in_checkpoint: 1,
        assessments: [answered(1, "What is a scale?", "A set of notes")],
      },
      "mission_sensei",
    );

    const state = await turn("I'm confident, really");
    expect(state).toMatchObject({
      checkpoint_index: 2,
      completed_checkpoints: ["Practice", "Practice"],
      progress: 50,
      phase: "briefing",
    });
    expect(events).toEqual([
      { type: "checkpoint_update", completed_checkpoints: ["Practice", "Practice"], progress: 50 },
    ]);
    expect(await store.enrollments.get("u1", created.mission.id)).toMatchObject({
      completed_checkpoints: ["Practice", "Practice"],
      progress: 50,
      completed: false,
    });
  });

  it("catches up with stored completions by position rather than wrapping up early", async () => {
    await store.enrollments.recordProgress("u1", created.mission.id, {
      completed_checkpoints: ["Practice", "Practice"],
      progress: 50,
      completed: false,
    });
    const lumina = fakeModel().respond(say("Welcome back! Checkpoint 3: Practice. Does that fit?"));
    const { turn } = setup(lumina, fakeModel());
    expect(await turn("Hi")).toMatchObject({
      phase: "briefing",
      checkpoint_index: 2,
      completed_checkpoints: ["Practice", "Practice"],
      progress: 50,
    });
    expect(lumina.calls[0]!.messages[0]!.text).toContain("- task: greet_and_brief");
    expect(lumina.calls[0]!.messages[0]!.text).toContain("- checkpoint_number: 3");
  });
});
