import { AIMessage, HumanMessage, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import { allyThreadId, commanderThreadId } from "../../domain/index.js";
import { buildGraphs, createModelFactory, type TurnUsage } from "../../graphs/index.js";
import { AllyServerFrame, CommanderServerFrame } from "../../server/protocol/index.js";
import { allyTurn } from "../support/ally-learner.js";
import { startGenericGemini, type GenericGemini } from "../support/generic-gemini.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

// Whole conversations on a Gemini stand-in that knows only each request: the tools and schemas
// the server declares, and what the learner wrote. It refuses requests as Gemini does (empty text
// parts, unanswered function calls), through the real ChatGoogleGenerativeAI client.

let gemini: GenericGemini | undefined;
let server: TestServer | undefined;
let token: string;

afterEach(async () => {
  await server?.stop();
  await gemini?.stop();
  server = gemini = undefined;
});

async function start(options: Parameters<typeof startGenericGemini>[0] = {}) {
  gemini = await startGenericGemini(options);
  server = await startTestServer({
    env: {
      GOOGLE_API_KEY: "generic-key",
      GEMINI_BASE_URL: gemini.url,
      GEMINI_MAX_RETRIES: "0",
      GEMINI_TIMEOUT_MS: "20000",
    },
  });
  token = (await server.login("ada@example.com", "Ada")).token;
}

async function openInterview() {
  const { session_id } = await server!.createSession(token);
  const socket = new TestSocket(
    `${server!.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
  );
  await socket.waitFor("connected");
  return { socket, sessionId: session_id };
}

/** One Commander message and the one frame that answers it. */
async function ask(socket: TestSocket, content: string): Promise<Frame> {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  await socket.waitForFrames(from + 1);
  return socket.frames[from]!;
}

const INTERVIEW = [
  "I want to learn Python for data analysis",
  "I'm a complete beginner",
  "Yes, that's correct",
];

/**
 * The learner's side of one checkpoint: agree to the briefing, answer the question, then answer
 * the next one and say they are confident.
 */
const CHECKPOINT = [
  "Yes, let's start",
  "I think it means keeping a snapshot of the work at each step",
  "Yes, I'm confident: a snapshot lets me go back to any earlier step",
];

async function interview(): Promise<{ missionId: string; frames: Frame[] }> {
  const { socket } = await openInterview();
  const replies: Frame[] = [];
  for (const content of INTERVIEW) replies.push(await ask(socket, content));
  expect((await socket.closed).code).toBe(1000);
  for (const frame of socket.frames) {
    expect(CommanderServerFrame.safeParse(frame).error).toBeUndefined();
  }
  const created = replies.at(-1)!;
  expect(created.type).toBe("mission_created");
  return { missionId: (created.mission as { id: string }).id, frames: replies };
}

async function learn(missionId: string): Promise<Frame[]> {
  const socket = new TestSocket(
    `${server!.ws}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${token}&stream=tokens`,
  );
  await socket.waitFor("connected");
  await allyTurn(socket, "Hi, I'm ready to begin!");
  for (let checkpoint = 0; checkpoint < 6 && socket.closeCode === undefined; checkpoint += 1) {
    for (const message of CHECKPOINT) await allyTurn(socket, message);
  }
  expect((await socket.closed).code).toBe(1000);
  for (const frame of socket.frames) expect(AllyServerFrame.safeParse(frame).error).toBeUndefined();
  return socket.frames;
}

const usageLines = () =>
  server!.logLines
    .map((line) => JSON.parse(line) as { msg: string; usage?: TurnUsage })
    .filter((entry) => entry.msg === "turn usage")
    .map((entry) => entry.usage!);

describe("A model that knows only the request", () => {
  it("takes a learner from the interview to a completed mission", async () => {
    await start();
    const { missionId, frames: interviewFrames } = await interview();
    expect(interviewFrames.map((f) => f.type)).toEqual([
      "agent_message",
      "agent_message",
      "mission_created",
    ]);
    // The mission came from the response schema alone; the server filled in level and visibility.
    const mission = interviewFrames[2]!.mission as Record<string, unknown>;
    expect(mission).toMatchObject({ level: "Beginner", is_public: true });
    expect((mission.byte_size_checkpoints as string[]).length).toBe(4);

    const frames = await learn(missionId);
    expect(frames.filter((f) => f.type === "error")).toEqual([]);
    expect(frames.filter((f) => f.type === "checkpoint_update").map((f) => f.progress)).toEqual([
      25, 50, 75, 100,
    ]);
    expect(frames.at(-1)!.type).toBe("session_closed");
    const messages = frames.filter((f) => f.type === "agent_message");
    expect(messages.every((f) => String(f.message).trim() !== "")).toBe(true);
    // Every checkpoint was briefed, and every one was taught by the sensei.
    const handovers = frames.filter((f) => f.type === "agent_handover").map((f) => f.agent);
    expect(handovers).toEqual(Array(4).fill(["mission_sensei", "mission_ally"]).flat());

    expect(gemini!.rejected).toEqual([]);
    expect(gemini!.requests.some((r) => r.stream)).toBe(true);
    expect(gemini!.requests.some((r) => !r.stream)).toBe(true);
    // The completion tool asks for nothing the model cannot know.
    const sensei = gemini!.requests.find((r) =>
      JSON.stringify(r.body.tools ?? []).includes("mark_checkpoint_complete"),
    )!;
    expect(JSON.stringify(sensei.body.tools)).not.toContain("checkpoint_number");

    const usage = usageLines();
    expect(usage.length).toBe(INTERVIEW.length + 1 + 4 * CHECKPOINT.length);
    expect(usage.every((u) => u.thinking_tokens > 0 && u.output_tokens > u.thinking_tokens)).toBe(
      true,
    );
  });

  it("completes the same journey when every reply after a tool result comes back empty once", async () => {
    await start({ emptyAfterFunctionResponse: true });
    const { missionId } = await interview();
    const frames = await learn(missionId);
    expect(frames.filter((f) => f.type === "error")).toEqual([]);
    expect(frames.at(-1)!.type).toBe("session_closed");
    // After start_checkpoint the sensei, and after each completion Lumina, answered empty first.
    expect(gemini!.empties).toBe(8);
    expect(gemini!.rejected).toEqual([]);
    const usage = usageLines();
    expect(usage.reduce((calls, u) => calls + u.model_calls, 0)).toBe(gemini!.requests.length);
  });
});

describe("A conversation an earlier version stored with an empty reply", () => {
  const emptyReply = () =>
    new AIMessage({ id: crypto.randomUUID(), content: [{ type: "text", text: "" }] });

  /** Writes the two messages into the thread, as the earlier version saved a failed turn. */
  async function storeEarlierTurn(
    graph: { updateState: (config: object, values: object, asNode: string) => Promise<unknown> },
    threadId: string,
    asNode: string,
    messages: BaseMessage[],
  ) {
    await graph.updateState({ configurable: { thread_id: threadId } }, { messages }, asNode);
  }

  const graphs = () =>
    buildGraphs(
      createModelFactory({ defaultModel: "gemini-2.5-flash", perAgentModel: {} }),
      server!.store,
    );

  it("is repaired when the interview goes on, and nothing empty reaches Gemini", async () => {
    await start();
    const { socket, sessionId } = await openInterview();
    expect((await ask(socket, INTERVIEW[0]!)).type).toBe("agent_message");
    const threadId = commanderThreadId(sessionId);
    await storeEarlierTurn(graphs().commander, threadId, "polaris", [
      new HumanMessage({ id: crypto.randomUUID(), content: "I'm a complete beginner" }),
      emptyReply(),
    ]);

    expect((await ask(socket, "I'm a complete beginner")).type).toBe("agent_message");
    expect(gemini!.rejected).toEqual([]);
    const state = await graphs().commander.getState({ configurable: { thread_id: threadId } });
    const messages = state.values.messages as BaseMessage[];
    expect(messages.filter((m) => m.type === "ai" && !m.text.trim())).toEqual([]);
    expect(messages.map((m) => m.type)).toEqual(["human", "ai", "human", "human", "ai"]);
    expect((await ask(socket, "Yes, that's correct")).type).toBe("mission_created");
  });

  it("is repaired when the lesson goes on, and nothing empty reaches Gemini", async () => {
    await start();
    const { missionId } = await interview();
    const socket = new TestSocket(
      `${server!.ws}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${token}`,
    );
    await socket.waitFor("connected");
    await allyTurn(socket, "Hi, I'm ready to begin!");
    const mission = (await server!.store.missions.get(missionId))!;
    const enrollment = (await server!.store.enrollments.get(mission.creator_id, missionId))!;
    const threadId = allyThreadId(enrollment.id);
    await storeEarlierTurn(graphs().ally, threadId, "lumina", [
      new HumanMessage({ id: crypto.randomUUID(), content: "Tell me more first" }),
      emptyReply(),
    ]);

    const frames = await allyTurn(socket, "Yes, let's start");
    expect(frames.map((f) => f.type)).not.toContain("error");
    expect(frames.filter((f) => f.type === "agent_handover").map((f) => f.agent)).toEqual([
      "mission_sensei",
    ]);
    expect(gemini!.rejected).toEqual([]);
    const state = await graphs().ally.getState({ configurable: { thread_id: threadId } });
    const messages = state.values.messages as BaseMessage[];
    expect(
      messages.filter((m) => isAIMessage(m) && !m.text.trim() && !m.tool_calls?.length),
    ).toEqual([]);
    expect(messages.map((m) => m.type)).toEqual([
      "human",
      "ai",
      "human",
      "human",
      "ai",
      "tool",
      "ai",
      "tool",
    ]);
  });
});
