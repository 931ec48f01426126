import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { getConfigTypeSchema } from "@langchain/langgraph/zod/schema";
import { buildCommanderGraph } from "../../graphs/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { fakeFactory } from "./fake-models.js";

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
  curator = fakeModel().structuredResponse(draft),
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
    const badCurator = fakeModel().structuredResponse({
      ...draft,
      byte_size_checkpoints: ["only one"],
    });
    const failing = graphWith(polaris, badCurator);
    await expect(
      failing.invoke(human("yes"), { ...config(), durability: "exit" }),
    ).rejects.toThrow();
    expect((await failing.getState(config())).values).toMatchObject({
      phase: "curating",
      goal,
      mission_id: null,
    });
    expect(await store.commanderSessions.get(sessionId)).toMatchObject({ status: "active" });

    const retry = graphWith(polaris);
    const state = await retry.invoke(human("please try again"), {
      ...config(),
      durability: "exit",
    });
    expect(state.phase).toBe("created");
    expect(polaris.callCount).toBe(1);
    expect(await store.missions.get(state.mission_id!)).toMatchObject({ title: draft.title });
  });
});

describe("Commander curation of checkpoint titles", () => {
  it("asks the curator again, on the next message, when its checkpoints share a title", async () => {
    const polaris = fakeModel().respondWithTools([
      { name: "confirm_learning_goal", args: goal, id: "c1" },
    ]);
    const repeating = fakeModel().structuredResponse({
      ...draft,
      byte_size_checkpoints: ["Rust basics", "Ownership", "Rust basics", "A small CLI in Rust"],
    });
    const failing = graphWith(polaris, repeating);
    await expect(failing.invoke(human("yes"), { ...config(), durability: "exit" })).rejects.toThrow(
      /Checkpoints 1 and 3 are both titled/,
    );
    expect((await failing.getState(config())).values).toMatchObject({
      phase: "curating",
      mission_id: null,
    });
    expect(await store.enrollments.listForUser("u1")).toEqual([]);

    const curator = fakeModel().structuredResponse(draft);
    const state = await graphWith(polaris, curator).invoke(human("please try again"), {
      ...config(),
      durability: "exit",
    });
    expect(state.phase).toBe("created");
    expect((await store.missions.get(state.mission_id!))?.byte_size_checkpoints).toEqual(
      draft.byte_size_checkpoints,
    );
  });
});
