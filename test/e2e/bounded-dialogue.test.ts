import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { commanderThreadId } from "../../domain/index.js";
import { buildGraphs, createModelFactory } from "../../graphs/index.js";
import { DIALOGUE_TURNS } from "../../graphs/ally/intake.js";
import { INTERVIEW_TURNS } from "../../graphs/commander/nodes.js";
import { loadConfig } from "../../server/index.js";
import { readTranscript } from "../../store/index.js";
import { allyTurn, learnerReply } from "../support/ally-learner.js";
import { buildDeltaChatGraph } from "../support/delta-chat-graph.js";
import { GIT_MISSION } from "../support/missions.js";
import { wrapFactory } from "../support/model-wrappers.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

let server: TestServer;
let token: string;
afterEach(() => server.stop());

const scripted = () => createModelFactory(loadConfig({}).models);

type Seen = { messages: BaseMessage[]; session: unknown }[];

async function start(agent: "polaris" | "mission_sensei", seen: Seen) {
  const { factory } = wrapFactory(scripted(), agent, { seen });
  // Writing the old thread in this process holds up its event loop, which the busy rule would see.
  server = await startTestServer({ models: factory, env: { BUSY_EVENT_LOOP_DELAY_MS: "0" } });
  ({ token } = await server.login("ada@example.com", "Ada"));
}

async function open(path: string): Promise<TestSocket> {
  const socket = new TestSocket(`${server.ws}${path}&token=${token}`);
  await socket.waitFor("connected");
  await socket.settle();
  return socket;
}

function historyOf(socket: TestSocket): string[] {
  const frame = socket.frames.find((f) => f.type === "historical_messages");
  return ((frame?.messages ?? []) as { type: string; message: string }[]).map(
    (m) => `${m.type === "user_message" ? "user" : "agent"}: ${m.message}`,
  );
}

const humans = (messages: BaseMessage[]) => messages.filter((m) => m.type === "human");

async function commanderTurn(socket: TestSocket, content: string) {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  await socket.waitForFrames(from + 1);
  return socket.frames[from]!;
}

describe("bounded dialogue", () => {
  it("takes over a long conversation stored with the whole transcript in its state, and bounds it on the first turn", async () => {
    const seen: Seen = [];
    await start("polaris", seen);
    const { session_id } = await server.createSession(token);
    const threadId = commanderThreadId(session_id);
    // 140 turns as the previous version stored them: every message in a delta channel, snapshotted
    // every 100 updates (50 turns), each turn's messages written on its own.
    const legacy = buildDeltaChatGraph(server.store.checkpointer);
    for (let turn = 1; turn <= 140; turn++) {
      const id = crypto.randomUUID();
      await legacy.invoke(
        { messages: [new HumanMessage({ id, content: `Small talk number ${turn}` })] },
        { configurable: { thread_id: threadId, turn_id: id }, durability: "exit" },
      );
    }
    const { commander } = buildGraphs(scripted(), server.store);
    const config = { configurable: { thread_id: threadId } };
    const stored = await server.store.checkpointer.getTuple(config);
    expect(stored!.checkpoint.channel_values.messages).toBeUndefined(); // replayed from writes
    expect((await commander.getState(config)).values.messages).toHaveLength(280);

    const socket = await open(`/api/v1/mission-commander/ws?session_id=${session_id}`);
    const old = historyOf(socket);
    expect(old).toHaveLength(280);
    expect(old[0]).toBe("user: Small talk number 1");
    expect(old.at(-1)).toBe("agent: Reply 140: ");

    const reply = await commanderTurn(socket, "I want to learn Python for data analysis");
    expect(reply.type).toBe("agent_message");
    const [call] = seen;
    expect(humans(call!.messages)).toHaveLength(INTERVIEW_TURNS);
    expect(humans(call!.messages).at(-1)!.text).toBe("I want to learn Python for data analysis");

    const after = await server.store.checkpointer.getTuple(config);
    // The bounded dialogue is stored whole with each turn: reading it back replays nothing.
    expect(after!.checkpoint.channel_values.messages).toBeDefined();
    const state = await commander.getState(config);
    expect(humans(state.values.messages)).toHaveLength(INTERVIEW_TURNS);
    expect(humans(state.values.messages).at(-1)!.text).toBe(
      "I want to learn Python for data analysis",
    );

    // Another turn works on the bounded state, and the log still has everything.
    expect((await commanderTurn(socket, "I'm a beginner")).type).toBe("agent_message");
    expect(humans(seen.at(-1)!.messages)).toHaveLength(INTERVIEW_TURNS);
    socket.close();
    const reopened = await open(`/api/v1/mission-commander/ws?session_id=${session_id}`);
    const history = historyOf(reopened);
    reopened.close();
    expect(history).toHaveLength(284);
    expect(history.slice(0, 280)).toEqual(old);
    expect(history.filter((line) => line.startsWith("user: ")).slice(-2)).toEqual([
      "user: I want to learn Python for data analysis",
      "user: I'm a beginner",
    ]);
  });

  it("keeps the Commander's interview to a window, however long the learner chats", async () => {
    const seen: Seen = [];
    await start("polaris", seen);
    const { session_id } = await server.createSession(token);
    const socket = await open(`/api/v1/mission-commander/ws?session_id=${session_id}`);
    for (let turn = 1; turn <= INTERVIEW_TURNS + 6; turn++) {
      expect((await commanderTurn(socket, `What's your favourite colour, ${turn}?`)).type).toBe(
        "agent_message",
      );
    }
    socket.close();
    const counts = seen.map((call) => humans(call.messages).length);
    expect(Math.max(...counts)).toBe(INTERVIEW_TURNS);
    expect(counts.at(-1)).toBe(INTERVIEW_TURNS);
    const log = await readTranscript(server.store.transcripts, commanderThreadId(session_id));
    expect(log.filter((e) => e.role === "learner")).toHaveLength(INTERVIEW_TURNS + 6);
  });

  it("drops a completed checkpoint's dialogue, and tells the teacher what the learner answered there", async () => {
    const seen: Seen = [];
    await start("mission_sensei", seen);
    const res = await fetch(`${server.http}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(GIT_MISSION),
    });
    const missionId = ((await res.json()) as { mission: { id: string } }).mission.id;
    const socket = await open(`/api/v1/mission-ally/ws?mission_id=${missionId}`);
    // Through checkpoint 1 and into the teaching of checkpoint 2.
    let frames = await allyTurn(socket, "Hello, I'm ready to start learning!");
    const completedAt: number[] = [];
    for (let turn = 1; turn < 40 && completedAt.length < 1; turn++) {
      frames = await allyTurn(socket, learnerReply(frames));
      if (frames.some((f) => f.type === "checkpoint_update")) completedAt.push(turn);
    }
    expect(completedAt).toHaveLength(1);
    for (let turn = 0; turn < 3; turn++) frames = await allyTurn(socket, learnerReply(frames));
    socket.close();

    const secondCheckpoint = seen.filter(
      (call) => (call.session as { checkpoint_number?: number }).checkpoint_number === 2,
    );
    expect(secondCheckpoint.length).toBeGreaterThan(0);
    const firstTeaching = seen.filter(
      (call) => (call.session as { checkpoint_number?: number }).checkpoint_number === 1,
    );
    const firstTexts = new Set(
      firstTeaching.flatMap((call) => humans(call.messages).map((m) => m.id)),
    );
    for (const call of secondCheckpoint) {
      const session = call.session as { task: string; earlier_checkpoints?: string };
      if (session.task !== "teach") continue;
      // Of checkpoint 1 the teacher sees only the turn that completed it (and briefed this one).
      const carried = humans(call.messages).filter((m) => firstTexts.has(m.id));
      expect(carried.length).toBeLessThanOrEqual(1);
      expect(humans(call.messages).length).toBeLessThanOrEqual(DIALOGUE_TURNS.teaching);
      expect(session.earlier_checkpoints).toMatch(
        /^1\. Commits and history: asked ".+", answered "I think it means breaking the idea/,
      );
    }
  });
});
