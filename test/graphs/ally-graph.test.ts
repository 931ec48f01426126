import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { getConfigTypeSchema } from "@langchain/langgraph/zod/schema";
import type { MissionCreated } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { completionRefusal } from "../../tools/index.js";
import { openAllyHarness, type AllyHarness } from "./ally-harness.js";
import { answered, ask, call, nextId, say } from "./fake-models.js";

const checkpoints = ["Basics", "Loops", "Functions", "Project"];
let store: Store;
let created: MissionCreated;
let setup: AllyHarness["setup"];

beforeEach(async () => {
  ({ store, created, setup } = await openAllyHarness({
    title: "Python",
    checkpoints,
    learningStyle: ["examples"],
  }));
});
afterEach(() => store.close());

describe("Ally phase machine", () => {
  it("declares its run-time context, and refuses a run without it", async () => {
    const lumina = fakeModel().respond(say("Hi!"));
    const { graph } = setup(lumina, fakeModel());
    expect(getConfigTypeSchema(graph)).toMatchObject({
      required: [
        "user_id",
        "ally_session_id",
        "learner",
        "mission",
        "stored_completed_checkpoints",
        "prompts_dir",
      ],
    });
    const input = { messages: [new HumanMessage({ id: nextId("h"), content: "Hello" })] };
    await expect(graph.invoke(input, { configurable: { thread_id: "bare" } })).rejects.toThrow(
      /ally_session_id/,
    );
    expect(lumina.callCount).toBe(0);
  });

  it("walks greeting → briefing → teaching → completion → next briefing, handing over both ways", async () => {
    const lumina = fakeModel()
      .respond(say("Hi Ada! Checkpoint 1 of 4: Basics. Does that fit?"))
      .respond(call("start_checkpoint"))
      .respond(say("Great work! Checkpoint 2 of 4: Loops. Does that fit?"));
    const sensei = fakeModel()
      .respond(ask("What is a variable?", "### Concept 1: variables. What is a variable?"))
      .respond(say("Right! How confident do you feel?"))
      .respond(call("mark_checkpoint_complete", {}, "Celebrate!"))
      .structuredResponse({ verdict: "understood", reason: "Names a value." });
    const { turn, events } = setup(lumina, sensei);

    let state = await turn("Hello");
    expect(state).toMatchObject({
      phase: "briefing",
      active_agent: "mission_ally",
      checkpoint_index: 0,
    });
    expect(lumina.calls[0]!.messages[0]!.text).toContain("- task: greet_and_brief");

    state = await turn("Yes, sounds good");
    expect(state).toMatchObject({
      phase: "teaching",
      active_agent: "mission_sensei",
      learner_turns_in_checkpoint: 0,
    });
    expect(lumina.calls[1]!.messages[0]!.text).toContain("- task: converse");
    expect(sensei.calls[0]!.messages[0]!.text).toContain("- checkpoint_title: Basics");
    expect(state.assessments).toMatchObject([
      { checkpoint: 0, question: "What is a variable?", status: "open" },
    ]);

    state = await turn("A named value");
    expect(state).toMatchObject({
      phase: "teaching",
      learner_turns_in_checkpoint: 1,
      last_reply: { kind: "answer" },
      assessments: [
        {
          question: "What is a variable?",
          status: "closed",
          answer: "A named value",
          verdict: "understood",
          verdict_reason: "Names a value.",
        },
      ],
    });
    expect(sensei.calls[1]!.messages[0]!.text).toContain("- latest_verdict: understood");
    expect(sensei.calls[1]!.messages[0]!.text).toContain("- completion: allowed");

    state = await turn("Very confident");
    expect(state).toMatchObject({
      phase: "briefing",
      active_agent: "mission_ally",
      checkpoint_index: 1,
      completed_checkpoints: ["Basics"],
      progress: 25,
    });
    expect(lumina.calls[2]!.messages[0]!.text).toContain("- task: brief");
    expect(lumina.calls[2]!.messages[0]!.text).toContain("- just_completed: Basics");
    expect(events).toEqual([
      { type: "checkpoint_update", completed_checkpoints: ["Basics"], progress: 25 },
    ]);
    expect(await store.enrollments.get("u1", created.mission.id)).toMatchObject({
      progress: 25,
      completed_checkpoints: ["Basics"],
    });
    expect(state).toMatchObject({
      assessments: [],
      evidence: [
        {
          checkpoint: 0,
          title: "Basics",
          answers: [
            { question: "What is a variable?", answer: "A named value", verdict: "understood" },
          ],
        },
      ],
    });
    const texts = state.messages.map((m: BaseMessage) => m.text);
    expect(texts).toContain("Celebrate!");
    expect(texts.at(-1)).toBe("Great work! Checkpoint 2 of 4: Loops. Does that fit?");
  });

  it("keeps an off-topic exchange with Lumina without starting the checkpoint", async () => {
    const lumina = fakeModel()
      .respond(say("Hi Ada! Checkpoint 1: Basics. Does that fit?"))
      .respond(say("Paris — but back to Basics: does the plan fit?"));
    const { turn } = setup(lumina, fakeModel());
    await turn("Hi");
    const state = await turn("What is the capital of France?");
    expect(state).toMatchObject({ phase: "briefing", active_agent: "mission_ally", progress: 0 });
    expect(state.messages.at(-1)?.text).toMatch(/back to Basics/);
  });

  it("refuses a completion before the learner answered a question, and progress stays put", async () => {
    const lumina = fakeModel()
      .respond(say("Brief. Does that fit?"))
      .respond(call("start_checkpoint"));
    const sensei = fakeModel()
      .respond(call("mark_checkpoint_complete"))
      .respond(say("Let's learn first. What is a variable?"));
    const { turn, events } = setup(lumina, sensei);
    await turn("Hi");
    const state = await turn("yes");
    expect(state).toMatchObject({ phase: "teaching", progress: 0, completed_checkpoints: [] });
    expect(
      state.messages.find((m: BaseMessage) => m.type === "tool" && m.text.startsWith("Refused:"))
        ?.text,
    ).toContain("has not answered");
    expect(events).toEqual([]);
    expect(await store.enrollments.get("u1", created.mission.id)).toMatchObject({ progress: 0 });
  });

  it("wraps up after the last checkpoint, completes the enrollment and closes the session", async () => {
    const lumina = fakeModel()
      .respond(say("Brief 4. Does that fit?"))
      .respond(call("start_checkpoint"))
      .respond(say("Well done, Ada!"));
    const sensei = fakeModel()
      .respond(ask("Concept. What is it?"))
      .respond(call("mark_checkpoint_complete"))
      .respond(say("Done!"))
      .structuredResponse({ verdict: "understood", reason: "Right." });
    await store.enrollments.recordProgress("u1", created.mission.id, {
      completed_checkpoints: checkpoints.slice(0, 3),
      progress: 75,
      completed: false,
    });
    const { turn, events } = setup(lumina, sensei);
    let state = await turn("Hi");
    expect(state).toMatchObject({
      checkpoint_index: 3,
      completed_checkpoints: checkpoints.slice(0, 3),
      progress: 75,
    });
    await turn("yes");
    state = await turn("It is a project that uses everything, and I'm confident");
    expect(state).toMatchObject({
      phase: "done",
      progress: 100,
      completed_checkpoints: checkpoints,
    });
    expect(lumina.calls.at(-1)!.messages[0]!.text).toContain("- task: wrap_up");
    expect(events).toEqual([
      { type: "checkpoint_update", completed_checkpoints: checkpoints, progress: 100 },
      { type: "session_closed" },
    ]);
    expect(await store.enrollments.get("u1", created.mission.id)).toMatchObject({
      progress: 100,
      completed: true,
    });
    expect(await store.allySessions.getForEnrollment(created.enrollment.id)).toMatchObject({
      status: "completed",
    });
    const after = await turn("anything else?");
    expect(after.phase).toBe("done");
    expect(lumina.callCount).toBe(3);
  });
});

describe("Ally replies Gemini refused", () => {
  const refused = () =>
    new AIMessage({ id: nextId("ai"), content: "", response_metadata: { finishReason: "SAFETY" } });

  it("greets and briefs again on the next message after a refused greeting", async () => {
    const lumina = fakeModel()
      .respond(refused())
      .respond(say("Hi Ada! Checkpoint 1 of 4: Basics. Does that fit?"));
    const { turn } = setup(lumina, fakeModel());
    let state = await turn("Hello");
    expect(state.phase).toBe("greeting");
    expect(state.messages.at(-1)!.text).toBe(
      "I can't help with that. Let's get back to **Basics**.",
    );
    state = await turn("Hello?");
    expect(state.phase).toBe("briefing");
    expect(lumina.calls[1]!.messages[0]!.text).toContain("- task: greet_and_brief");
  });

  it("briefs the next checkpoint, celebrating the last, on the message after a refused briefing", async () => {
    const lumina = fakeModel()
      .respond(say("Checkpoint 1 of 4: Basics. Does that fit?"))
      .respond(call("start_checkpoint"))
      .respond(refused())
      .respond(say("Well done on Basics! Checkpoint 2 of 4: Loops. Does that fit?"));
    const sensei = fakeModel()
      .respond(ask("What is a variable?"))
      .respond(call("mark_checkpoint_complete", {}, "Celebrate!"))
      .structuredResponse({ verdict: "understood", reason: "Right." });
    const { turn } = setup(lumina, sensei);
    await turn("Hello");
    await turn("Yes");
    let state = await turn("A variable is a named value, and I'm confident");
    expect(state).toMatchObject({ phase: "briefing", progress: 25, just_completed: "Basics" });
    expect(state.messages.at(-1)!.text).toBe(
      "I can't help with that. Let's get back to **Loops**.",
    );
    state = await turn("Okay");
    expect(lumina.calls[3]!.messages[0]!.text).toContain("- task: brief");
    expect(lumina.calls[3]!.messages[0]!.text).toContain("- just_completed: Basics");
    expect(state).toMatchObject({ phase: "briefing", just_completed: null, checkpoint_index: 1 });
  });

  it("wraps up again on the next message after a refused wrap-up, then closes", async () => {
    const lumina = fakeModel()
      .respond(say("Brief 4. Does that fit?"))
      .respond(call("start_checkpoint"))
      .respond(refused())
      .respond(say("Well done, Ada!"));
    const sensei = fakeModel()
      .respond(ask("Concept. What is it?"))
      .respond(call("mark_checkpoint_complete"))
      .structuredResponse({ verdict: "understood", reason: "Right." });
    await store.enrollments.recordProgress("u1", created.mission.id, {
      completed_checkpoints: checkpoints.slice(0, 3),
      progress: 75,
      completed: false,
    });
    const { turn, events } = setup(lumina, sensei);
    await turn("Hi");
    await turn("yes");
    expect((await turn("It ties everything together")).phase).toBe("wrap_up");
    expect(events.map((e) => e.type)).toEqual(["checkpoint_update"]);
    expect((await turn("Thanks!")).phase).toBe("done");
    expect(events.map((e) => e.type)).toEqual(["checkpoint_update", "session_closed"]);
  });

  it("makes the teacher answer in words after two refused completions in one turn", async () => {
    const lumina = fakeModel()
      .respond(say("Brief. Does that fit?"))
      .respond(call("start_checkpoint"));
    const sensei = fakeModel()
      .respond(call("mark_checkpoint_complete"))
      .respond(call("mark_checkpoint_complete"))
      .respond(say("Let's learn first. What is a variable?"));
    const { turn } = setup(lumina, sensei);
    await turn("Hi");
    const state = await turn("yes, mark it all complete");
    expect(sensei.callCount).toBe(3);
    // The third call is offered no tools, so it can only talk.
    expect(sensei.calls[2]!.options).not.toHaveProperty("tools");
    expect(state.messages.at(-1)!.text).toBe("Let's learn first. What is a variable?");
    expect(state).toMatchObject({ phase: "teaching", progress: 0 });
  });
});

describe("completion rules", () => {
  const teaching = {
    phase: "teaching",
    active_agent: "mission_sensei",
    checkpoint_index: 1,
    completed_checkpoints: ["Basics"],
    progress: 25,
    assessments: [answered(1)],
    evidence: [],
  };
  it("allow the current checkpoint only, once, by the sensei, after an answer", () => {
    expect(completionRefusal(teaching, checkpoints)).toBeUndefined();
    expect(
      completionRefusal({ ...teaching, completed_checkpoints: ["Basics", "Loops"] }, checkpoints),
    ).toMatch(/already complete/);
    expect(completionRefusal({ ...teaching, active_agent: "mission_ally" }, checkpoints)).toMatch(
      /only the teacher/,
    );
    expect(completionRefusal({ ...teaching, phase: "briefing" }, checkpoints)).toMatch(
      /only the teacher/,
    );
    expect(completionRefusal({ ...teaching, assessments: [] }, checkpoints)).toMatch(
      /has not answered a comprehension question/,
    );
    // An answer from another checkpoint does not count for this one.
    expect(completionRefusal({ ...teaching, assessments: [answered(0)] }, checkpoints)).toMatch(
      /has not answered a comprehension question/,
    );
    const open = { ...answered(1, "And how?"), status: "open" as const, answer: null };
    expect(
      completionRefusal({ ...teaching, assessments: [answered(1), open] }, checkpoints),
    ).toMatch(/has not answered your open question yet \("And how\?"\)/);
    const wrong = { ...answered(1), verdict: "not_yet" as const };
    expect(completionRefusal({ ...teaching, assessments: [wrong] }, checkpoints)).toMatch(
      /latest answer was not yet right/,
    );
    expect(
      completionRefusal({ ...teaching, assessments: [wrong, answered(1, "Again?")] }, checkpoints),
    ).toBeUndefined();
    expect(completionRefusal({ ...teaching, checkpoint_index: 4 }, checkpoints)).toMatch(
      /every checkpoint/,
    );
  });
});
