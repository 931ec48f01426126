import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { buildAllyGraph, buildCommanderGraph } from "../../graphs/index.js";
import {
  drawGraph,
  overlayPath,
  readConversation,
  readCurrentState,
  readOpening,
} from "../../graphs/draw/index.js";
import {
  allyThreadId,
  commanderThreadId,
  enrollmentId,
  type AllyContext,
  type MissionCreated,
} from "../../domain/index.js";
import { openSqliteStore, type Store } from "../../store/index.js";
import { ask, call, fakeFactory, nextId, say } from "./fake-models.js";

const goal = { topic: "Rust", level: "Beginner", outcome: "write a CLI" };
const draft = {
  title: "Rust for Systems Programming",
  short_description: "Learn Rust.",
  description: "A mission about Rust.",
  level: "Beginner" as const,
  topics_to_cover: ["Ownership"],
  learning_goal: "Write safe systems code.",
  byte_size_checkpoints: ["Basics", "Ownership", "Borrowing", "A CLI"],
  skills: ["Rust"],
  is_public: false,
};

let store: Store;

beforeEach(async () => {
  store = openSqliteStore({ path: ":memory:" });
  await store.users.ensure({ uid: "u1", name: "Ada" });
});
afterEach(() => store.close());

/** One learner turn, run the way the server runs it: streamed, one checkpoint at the end. */
async function turn(
  graph: { stream(input: unknown, options: object): Promise<AsyncIterable<unknown>> },
  threadId: string,
  context: object,
  text: string,
) {
  const input = { messages: [new HumanMessage({ id: nextId("h"), content: text })] };
  const stream = await graph.stream(input, {
    configurable: { thread_id: threadId },
    context,
    streamMode: ["updates", "custom"],
    subgraphs: true,
    durability: "exit",
  });
  for await (const chunk of stream) void chunk;
}

describe("Commander turn paths", () => {
  /** The thread of the session `interview` talks through. */
  let thread: string;

  async function interview() {
    const sessionId = (await store.commanderSessions.create("u1")).id;
    thread = commanderThreadId(sessionId);
    const polaris = fakeModel()
      .respond(say("What would you like to build?"))
      .respond(call("confirm_learning_goal", { topic: "Rust" }))
      .respond(say("And what level are you at?"))
      .respond(call("confirm_learning_goal", goal, "Great, let's build your mission."));
    const graph = buildCommanderGraph({
      models: fakeFactory({ polaris, mission_curator: fakeModel().structuredResponse(draft) }),
      missions: store.missions,
      checkpointer: store.checkpointer,
    });
    const context = {
      user_id: "u1",
      session_id: sessionId,
      learner_name: "Ada",
      prompts_dir: null,
    };
    for (const text of ["I want to learn Rust", "yes", "Beginner, and yes that's right"]) {
      await turn(graph, thread, context, text);
    }
    return graph;
  }

  it("records each turn's nodes in order, repeats included, with what each node said", async () => {
    const conversation = await readConversation(await interview(), thread);

    expect(conversation.turns.map((t) => t.learner)).toEqual([
      "I want to learn Rust",
      "yes",
      "Beginner, and yes that's right",
    ]);
    expect(conversation.turns.map((t) => t.steps.map((s) => s.node))).toEqual([
      ["intake", "polaris"],
      ["intake", "polaris", "polaris"],
      ["intake", "polaris", "mission_curator", "create_mission"],
    ]);
    const [, refused, asked] = conversation.turns[1]!.steps;
    expect(refused!.said).toEqual([
      { kind: "tool_call", name: "confirm_learning_goal", args: '{"topic":"Rust"}' },
      { kind: "tool_result", text: "Refused: topic, level and outcome are all required." },
    ]);
    expect(asked!.said).toEqual([{ kind: "say", text: "And what level are you at?" }]);
    expect(conversation.turns[2]!.steps.map((s) => s.said.length)).toEqual([0, 3, 0, 0]);
    expect(conversation.turns.every((t) => t.unattributed.length === 0 && t.at)).toBe(true);
  });

  it("records the state each turn left, without the transcript or LangGraph's own channels", async () => {
    const graph = await interview();
    const { turns } = await readConversation(graph, thread);
    expect(turns.map((t) => t.state?.phase)).toEqual(["interview", "interview", "created"]);
    for (const { state } of turns) {
      expect(Object.keys(state!).sort()).toEqual(["draft", "goal", "mission_id", "phase"]);
    }
    expect(turns[1]!.state).toEqual({
      phase: "interview",
      goal: null,
      draft: null,
      mission_id: null,
    });
    const [, , last] = turns;
    expect(last!.state).toMatchObject({
      goal,
      draft: { title: draft.title, byte_size_checkpoints: draft.byte_size_checkpoints },
      mission_id: expect.any(String),
    });
    expect(await store.missions.get(last!.state!.mission_id as string)).toMatchObject({
      title: draft.title,
    });
    expect(await readCurrentState(graph, thread)).toEqual(last!.state);
    expect(await readCurrentState(graph, commanderThreadId("no-such-session"))).toBeUndefined();
    expect(await readOpening(graph, thread)).toBe("I want to learn Rust");
  });

  it("with the transcript log, also shows a turn the thread never took in, as the learner saw it", async () => {
    const graph = await interview();
    const state = await graph.getState({ configurable: { thread_id: thread } });
    const humans = (state.values.messages as BaseMessage[]).filter((m) => m.type === "human");
    const entry = (id: string, text: string, turn: string, agent: string | null = null) => ({
      id,
      role: agent ? ("agent" as const) : ("learner" as const),
      agent,
      node: agent,
      text,
      turn_id: turn,
    });
    await store.transcripts.append(
      thread,
      humans.map((m) => entry(m.id!, m.text, m.id!)),
    );
    // A turn whose reply was shown, and whose checkpoint never landed.
    await store.transcripts.append(thread, [
      entry("h-lost", "Can we start now?", "h-lost"),
      entry("a-lost", "Your mission is on its way.", "h-lost", "polaris"),
    ]);

    const conversation = await readConversation(graph, thread, store.transcripts);
    expect(conversation.turns.map((t) => t.learner)).toEqual([
      "I want to learn Rust",
      "yes",
      "Beginner, and yes that's right",
      "Can we start now?",
    ]);
    // The thread's turns keep the nodes and tool calls the thread recorded for them.
    const fromThread = await readConversation(graph, thread);
    expect(conversation.turns.slice(0, 3)).toEqual(fromThread.turns);
    expect(conversation.turns[3]!.steps).toEqual([]);
    expect(conversation.turns[3]).toMatchObject({
      id: "h-lost",
      unattributed: [{ kind: "say", text: "Your mission is on its way." }],
    });
    expect(conversation.turns[3]!.at).toMatch(/^\d{4}-/);
  });

  it("keeps only the current turn's path in the thread's state", async () => {
    const graph = await interview();
    const state = await graph.getState({ configurable: { thread_id: thread } });
    expect(state.values.turn_path).toEqual({
      turn: state.values.messages.findLast((m: BaseMessage) => m.type === "human")!.id,
      steps: [
        { node: "intake", messages: 0, said: [] },
        {
          node: "polaris",
          messages: 2,
          said: [
            { kind: "say", text: "Great, let's build your mission." },
            { kind: "tool_call", name: "confirm_learning_goal", args: JSON.stringify(goal) },
            { kind: "tool_result", text: "Learning goal confirmed." },
          ],
        },
        { node: "mission_curator", messages: 0, said: [] },
        { node: "create_mission", messages: 0, said: [] },
      ],
    });
  });

  it("lays the path over the drawing: the curator handover, the refusal loop, no undrawn step", async () => {
    const graph = await interview();
    const overlay = overlayPath(await drawGraph(graph), await readConversation(graph, thread));

    expect(overlay.routes[1]).toEqual(["__start__", "intake", "polaris", "polaris", "__end__"]);
    expect(overlay.undrawn).toEqual([]);
    expect(overlay.handovers).toEqual([
      { turn: 2, from: "polaris", to: "mission_curator", node: "mission_curator" },
    ]);
    expect(Object.fromEntries(overlay.visits)).toEqual({
      __start__: 3,
      intake: 3,
      polaris: 4,
      mission_curator: 1,
      create_mission: 1,
      __end__: 3,
    });
    expect(overlay.edges.get("polaris -> polaris")).toEqual({ count: 1, handovers: 0 });
    expect(overlay.edges.get("polaris -> mission_curator")).toEqual({ count: 1, handovers: 1 });
    expect(overlay.edges.get("mission_curator -> create_mission")).toEqual({
      count: 1,
      handovers: 0,
    });
  });
});

describe("Ally turn paths", () => {
  let created: MissionCreated;

  beforeEach(async () => {
    created = await store.missions.createWithEnrollment({ creatorId: "u1", draft });
  });
  const thread = () => allyThreadId(enrollmentId("u1", created.mission.id));

  async function lesson() {
    const lumina = fakeModel()
      .respond(say("Hi Ada! Checkpoint 1 of 4: Basics. Does that fit?"))
      .respond(call("start_checkpoint", {}, "Handing you to your sensei."))
      .respond(say("Great work! Checkpoint 2 of 4: Ownership. Does that fit?"));
    const sensei = fakeModel()
      .respond(call("mark_checkpoint_complete"))
      .respond(ask("What is a variable?", "Let's learn first. What is a variable?"))
      .respond(call("mark_checkpoint_complete", {}, "Well done!"))
      .structuredResponse({ verdict: "understood", reason: "Names a value." });
    const graph = buildAllyGraph({
      models: fakeFactory({ mission_ally: lumina, mission_sensei: sensei }),
      enrollments: store.enrollments,
      allySessions: store.allySessions,
      checkpointer: store.checkpointer,
    });
    for (const text of ["Hello", "Yes", "A named value"]) {
      const enrollment = await store.enrollments.get("u1", created.mission.id);
      const ally: AllyContext = {
        user_id: "u1",
        ally_session_id: created.allySession.id,
        learner: { name: "Ada", learning_style: [] },
        mission: {
          id: created.mission.id,
          title: draft.title,
          level: draft.level,
          byte_size_checkpoints: draft.byte_size_checkpoints,
        },
        stored_completed_checkpoints: enrollment?.completed_checkpoints ?? [],
        prompts_dir: null,
      };
      await turn(graph, thread(), ally, text);
    }
    return graph;
  }

  it("records the sensei's inner steps under mission_sensei, in order", async () => {
    const conversation = await readConversation(await lesson(), thread());

    expect(conversation.turns.map((t) => t.steps.map((s) => s.node))).toEqual([
      ["intake", "lumina"],
      [
        "intake",
        "lumina",
        "mission_sensei:teach",
        "mission_sensei:mark_complete",
        "mission_sensei:teach",
        "mission_sensei:ask_question",
      ],
      ["intake", "check_answer", "mission_sensei:teach", "mission_sensei:mark_complete", "lumina"],
    ]);
    const teaching = conversation.turns[1]!.steps;
    expect(teaching[3]!.said).toEqual([
      {
        kind: "tool_result",
        text: "Refused: the learner has not answered a comprehension question in this checkpoint yet.",
      },
    ]);
    expect(teaching[4]!.said).toEqual([
      { kind: "say", text: "Let's learn first. What is a variable?" },
      { kind: "tool_call", name: "ask_question", args: '{"question":"What is a variable?"}' },
    ]);
    expect(teaching[5]!.said).toEqual([
      { kind: "tool_result", text: "Question recorded. Wait for the learner's answer." },
    ]);
    // The teacher's verdict is state, not conversation: its step adds no message.
    expect(conversation.turns[2]!.steps[1]!.said).toEqual([]);
    expect(conversation.turns[2]!.steps[4]!.said).toEqual([
      { kind: "say", text: "Great work! Checkpoint 2 of 4: Ownership. Does that fit?" },
    ]);
  });

  it("finds both handovers and walks only drawn edges, through the subgraph's boundaries", async () => {
    const graph = await lesson();
    const overlay = overlayPath(await drawGraph(graph), await readConversation(graph, thread()));

    expect(overlay.undrawn).toEqual([]);
    expect(overlay.handovers).toEqual([
      { turn: 1, from: "mission_ally", to: "mission_sensei", node: "mission_sensei:teach" },
      { turn: 2, from: "mission_sensei", to: "mission_ally", node: "lumina" },
    ]);
    expect(overlay.routes[2]).toEqual([
      "__start__",
      "intake",
      "check_answer",
      "mission_sensei:__start__",
      "mission_sensei:teach",
      "mission_sensei:mark_complete",
      "mission_sensei:__end__",
      "lumina",
      "__end__",
    ]);
    const handoverEdges = [...overlay.edges].filter(([, e]) => e.handovers > 0);
    expect(Object.fromEntries(handoverEdges)).toEqual({
      "lumina -> mission_sensei:__start__": { count: 1, handovers: 1 },
      "mission_sensei:__end__ -> lumina": { count: 1, handovers: 1 },
      "mission_sensei:__start__ -> mission_sensei:teach": { count: 2, handovers: 1 },
      "mission_sensei:mark_complete -> mission_sensei:__end__": { count: 1, handovers: 1 },
    });
    expect(overlay.edges.get("check_answer -> mission_sensei:__start__")).toEqual({
      count: 1,
      handovers: 0,
    });
    expect(overlay.visits.get("close_session")).toBeUndefined();
    expect(overlay.visits.get("mission_sensei:teach")).toBe(3);
  });
});
