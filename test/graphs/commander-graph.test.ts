import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { OutputParserException } from "@langchain/core/output_parsers";
import { fakeModel } from "@langchain/core/testing";
import { getConfigTypeSchema } from "@langchain/langgraph/zod/schema";
import { buildCommanderGraph } from "../../graphs/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { call, fakeFactory, structuredAnswers } from "./fake-models.js";

const draft = {
  title: "Rust for Systems Programming",
  short_description: "Learn Rust.",
  description: "A mission about Rust.",
  level: "Beginner",
  topics_to_cover: ["Ownership", "Borrowing"],
  learning_goal: "Write safe systems code.",
  byte_size_checkpoints: ["Rust basics", "Ownership", "Borrowing", "A small CLI in Rust"],
  skills: ["Rust"],
  is_public: true,
};
const goal = { topic: "Rust", level: "Beginner", outcome: "write a CLI" };

let store: Store;
let sessionId: string;

beforeEach(async () => {
  store = openSqliteStore({ path: ":memory:" });
  await store.users.ensure({ uid: "u1", name: "Ada" });
  sessionId = (await store.commanderSessions.create("u1")).id;
});
afterEach(() => store.close());

const config = (thread = "t1") => ({
  configurable: { thread_id: thread },
  context: { user_id: "u1", session_id: sessionId, learner_name: "Ada", prompts_dir: null },
});
const human = (text: string) => ({
  messages: [new HumanMessage({ id: crypto.randomUUID(), content: text })],
});

function graphWith(
  polaris: ReturnType<typeof fakeModel>,
  curator: unknown = structuredAnswers([draft]).model,
) {
  return buildCommanderGraph({
    models: fakeFactory({ polaris, mission_curator: curator }),
    missions: store.missions,
    checkpointer: store.checkpointer,
  });
}

describe("Commander graph", () => {
  it("lets Polaris ask a question and keeps interviewing", async () => {
    const polaris = fakeModel().respond(
      new AIMessage({ id: "a1", content: "What do you want to build?" }),
    );
    const graph = graphWith(polaris);
    const state = await graph.invoke(human("I want to learn Rust"), config());
    expect(state.phase).toBe("interview");
    expect(state.messages.map((m) => m.text)).toEqual([
      "I want to learn Rust",
      "What do you want to build?",
    ]);
    expect(polaris.callCount).toBe(1);
    const system = polaris.calls[0]!.messages[0]!;
    expect(system.type).toBe("system");
    expect(system.text).toContain("- learner_name: Ada");
  });

  it("declares its run-time context, and refuses a run without it", async () => {
    const polaris = fakeModel().respond(new AIMessage({ id: "a1", content: "Hello!" }));
    const graph = graphWith(polaris);
    expect(getConfigTypeSchema(graph)).toMatchObject({
      required: ["user_id", "session_id", "learner_name", "prompts_dir"],
    });
    await expect(
      graph.invoke(human("hi"), { configurable: { thread_id: "no-context" } }),
    ).rejects.toThrow(/user_id/);
    expect(polaris.callCount).toBe(0);
  });

  it("on a confirmed goal curates and persists the mission, completing the session", async () => {
    const polaris = fakeModel().respondWithTools([
      { name: "confirm_learning_goal", args: goal, id: "c1" },
    ]);
    const curator = fakeModel().structuredResponse(draft);
    const graph = graphWith(polaris, curator);
    const events: unknown[] = [];
    for await (const [mode, chunk] of await graph.stream(human("Yes, that's right"), {
      ...config(),
      streamMode: ["custom", "updates"],
    })) {
      if (mode === "custom") events.push(chunk);
    }
    const state = (await graph.getState(config())).values;
    expect(state.phase).toBe("created");
    expect(state.goal).toEqual(goal);
    const mission = await store.missions.get(state.mission_id!);
    expect(mission).toMatchObject({
      title: draft.title,
      creator_id: "u1",
      byte_size_checkpoints: draft.byte_size_checkpoints,
    });
    expect(await store.enrollments.get("u1", mission!.id)).toMatchObject({
      progress: 0,
      completed: false,
    });
    expect(await store.commanderSessions.get(sessionId)).toMatchObject({
      status: "completed",
      mission_id: mission!.id,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "mission_created",
        mission: expect.objectContaining({ id: mission!.id }),
      }),
    ]);
  });

  it("answers an incomplete confirmation with a refusal and lets Polaris carry on", async () => {
    const polaris = fakeModel()
      .respondWithTools([{ name: "confirm_learning_goal", args: { topic: "Rust" }, id: "c1" }])
      .respond(new AIMessage({ id: "a2", content: "What level are you at?" }));
    const graph = graphWith(polaris);
    const state = await graph.invoke(human("yes"), config());
    expect(state.phase).toBe("interview");
    expect(polaris.callCount).toBe(2);
    expect(state.messages.find((m) => m.type === "tool")?.text).toMatch(/^Refused/);
    expect(state.messages.at(-1)?.text).toBe("What level are you at?");
  });

  it("does nothing once the mission exists", async () => {
    const polaris = fakeModel().respondWithTools([
      { name: "confirm_learning_goal", args: goal, id: "c1" },
    ]);
    const graph = graphWith(polaris);
    await graph.invoke(human("yes"), config());
    const again = await graph.invoke(human("hello?"), config());
    expect(again.phase).toBe("created");
    expect(polaris.callCount).toBe(1);
  });

  it("curates again on the next message when curation fails, so the learner can retry", async () => {
    const polaris = fakeModel().respondWithTools([
      { name: "confirm_learning_goal", args: goal, id: "c1" },
    ]);
    const curator = structuredAnswers([new Error("Gemini answered HTTP 503"), draft]);
    const graph = graphWith(polaris, curator.model);
    await expect(graph.invoke(human("yes"), { ...config(), durability: "exit" })).rejects.toThrow(
      /503/,
    );
    expect((await graph.getState(config())).values).toMatchObject({
      phase: "curating",
      goal,
      mission_id: null,
    });
    expect(await store.commanderSessions.get(sessionId)).toMatchObject({ status: "active" });

    const state = await graph.invoke(human("please try again"), {
      ...config(),
      durability: "exit",
    });
    expect(state.phase).toBe("created");
    expect(polaris.callCount).toBe(1);
    expect(await store.missions.get(state.mission_id!)).toMatchObject({ title: draft.title });
  });
});

describe("Commander curation that Gemini refuses or garbles", () => {
  const refused = new AIMessage({
    id: "r1",
    content: "",
    response_metadata: { finishReason: "SAFETY" },
  });
  const interview = () =>
    fakeModel()
      .respond(refused)
      .respond(new AIMessage({ id: "a1", content: "What would you like to learn?" }))
      .respond(call("confirm_learning_goal", goal));

  async function converse(graph: ReturnType<typeof graphWith>) {
    let state;
    for (const text of ["Tell me how to hurt my coworker", "Rust, please", "Yes, that's right"]) {
      state = await graph.invoke(human(text), config());
    }
    return state!;
  }

  it("leaves refused exchanges out, and asks again from the goal alone when that fails", async () => {
    const curator = structuredAnswers([
      new OutputParserException('Failed to parse. Text: "".'),
      { ...draft, level: "Advanced", is_public: false },
    ]);
    const state = await converse(graphWith(interview(), curator.model));

    expect(state.phase).toBe("created");
    const [first, second] = curator.calls.map((messages) => messages.at(-1)!.text);
    expect(first).toContain("Learner: Rust, please");
    expect(first).not.toMatch(/hurt|can't help/);
    expect(second).toBe("Topic: Rust\nLevel: Beginner\nOutcome: write a CLI");
    // The level is the one the learner confirmed, and a new mission is public.
    expect(await store.missions.get(state.mission_id!)).toMatchObject({
      title: draft.title,
      level: "Beginner",
      is_public: true,
    });
  });

  it("tells the learner once and goes back to the interview when both answers are unusable", async () => {
    const polaris = interview()
      .respond(new AIMessage({ id: "a2", content: "Let's put it another way: what's the goal?" }))
      .respond(call("confirm_learning_goal", goal));
    const curator = structuredAnswers([
      { ...draft, byte_size_checkpoints: ["Rust basics", "Ownership", "Rust basics", "A CLI"] },
      new OutputParserException('Failed to parse. Text: "not json".'),
      draft,
    ]);
    const graph = graphWith(polaris, curator.model);
    const stuck = await converse(graph);

    expect(stuck).toMatchObject({ phase: "interview", goal: null, mission_id: null });
    expect(stuck.messages.at(-1)!.text).toMatch(/^I couldn't put a mission together/);
    expect(await store.enrollments.listForUser("u1")).toEqual([]);
    expect(await store.commanderSessions.get(sessionId)).toMatchObject({ status: "active" });

    // The interview goes on: Polaris answers, and the next confirmation makes the mission.
    expect((await graph.invoke(human("Rust for command-line tools"), config())).phase).toBe(
      "interview",
    );
    const created = await graph.invoke(human("Yes"), config());
    expect(created.phase).toBe("created");
    expect(curator.calls).toHaveLength(3);
  });
});
