import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { buildGraphs, createModelFactory } from "../../graphs/index.js";
import { allyThreadId, commanderThreadId, enrollmentId } from "../../domain/index.js";
import { loadConfig } from "../../server/index.js";
import { readTranscript } from "../../store/index.js";
import { allyTurn } from "../support/ally-learner.js";
import { GIT_MISSION } from "../support/missions.js";
import { wrapFactory } from "../support/model-wrappers.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

let server: TestServer;
let token: string;
let uid: string;

async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(options);
  ({ token, uid } = await server.login("ada@example.com", "Ada"));
}
afterEach(() => server.stop());

const scripted = () => createModelFactory(loadConfig({}).models);

async function enroll(): Promise<string> {
  const res = await fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify(GIT_MISSION),
  });
  return ((await res.json()) as { mission: { id: string } }).mission.id;
}

async function openAlly(missionId: string): Promise<TestSocket> {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-ally/ws?mission_id=${missionId}&token=${token}`,
  );
  await socket.waitFor("connected");
  await socket.settle();
  return socket;
}

async function openCommander(sessionId: string): Promise<TestSocket> {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${token}`,
  );
  await socket.waitFor("connected");
  await socket.settle();
  return socket;
}

/** A socket on the session once it has its opening frames, or once a newer socket closed it. */
async function openOrTakenOver(sessionId: string): Promise<TestSocket> {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${token}`,
  );
  await socket.waitUntil(
    () => socket.frames.some((f) => f.type === "connected") || socket.closeCode !== undefined,
  );
  await socket.settle();
  return socket;
}

/** The history a socket was sent on connecting, as "user: …" / "agent: …" lines. */
function historyOf(socket: TestSocket): string[] {
  const frame = socket.frames.find((f) => f.type === "historical_messages");
  const items = (frame?.messages ?? []) as { type: string; message: string }[];
  return items.map((m) => `${m.type === "user_message" ? "user" : "agent"}: ${m.message}`);
}

/** What a socket showed the learner, in the same form. */
function shown(sent: string[], frames: Frame[]): string[] {
  return frames
    .filter((f) => f.type === "agent_message")
    .map((f) => `agent: ${String(f.message)}`)
    .reduce<string[]>(
      (lines, line) => [...lines, line],
      sent.map((text) => `user: ${text}`),
    );
}

async function threadMessages(threadId: string): Promise<string[]> {
  const { ally } = buildGraphs(scripted(), server.store);
  const state = await ally.getState({ configurable: { thread_id: threadId } });
  return ((state.values.messages ?? []) as BaseMessage[])
    .filter((m) => m.type === "human" || m.type === "ai")
    .filter((m) => m.text.trim() !== "")
    .map((m) => `${m.type === "human" ? "user" : "agent"}: ${m.text}`);
}

describe("the transcript log", () => {
  it("holds each turn as the learner saw it, and is what a reconnect gets back", async () => {
    await start();
    const missionId = await enroll();
    let socket = await openAlly(missionId);
    const first = await allyTurn(socket, "Hello!");
    const second = await allyTurn(socket, "Yes, that sounds great!");
    socket.close();

    socket = await openAlly(missionId);
    expect(historyOf(socket)).toEqual([
      ...shown(["Hello!"], first),
      ...shown(["Yes, that sounds great!"], second),
    ]);
    const entries = await readTranscript(
      server.store.transcripts,
      allyThreadId(enrollmentId(uid, missionId)),
    );
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries.map((e) => [e.role, e.agent, e.node])).toEqual([
      ["learner", null, null],
      ["agent", "mission_ally", "lumina"],
      ["learner", null, null],
      ["agent", "mission_ally", "lumina"],
      ["agent", "mission_sensei", "mission_sensei:teach"],
    ]);
    // Each turn's entries share the id of the learner message that began it.
    expect(entries[1]!.turn_id).toBe(entries[0]!.id);
    expect(new Set(entries.slice(2).map((e) => e.turn_id))).toEqual(new Set([entries[2]!.id]));
  });

  it("keeps what a turn showed before it failed, and folds it into the next turn once", async () => {
    // The sensei's first call fails, after Lumina has already spoken in that turn.
    const { factory } = wrapFactory(scripted(), "mission_sensei", { failures: 1 });
    await start({ models: factory });
    const missionId = await enroll();
    const threadId = allyThreadId(enrollmentId(uid, missionId));
    let socket = await openAlly(missionId);
    await allyTurn(socket, "Hello!");
    const cut = await allyTurn(socket, "Yes, that sounds great!");
    expect(cut.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_message",
      "agent_processing_end",
      "error",
    ]);
    expect(cut[3]!.message).toMatch(/What you have seen is saved/);
    const lumina = `agent: ${String(cut[1]!.message)}`;
    // The thread went back to before the turn; the log kept what was shown.
    expect(await threadMessages(threadId)).toHaveLength(2);
    socket.close();

    socket = await openAlly(missionId);
    expect(historyOf(socket).slice(2)).toEqual(["user: Yes, that sounds great!", lumina]);
    await allyTurn(socket, "Let's go on.");
    const thread = await threadMessages(threadId);
    expect(thread.slice(2, 5)).toEqual([
      "user: Yes, that sounds great!",
      lumina,
      "user: Let's go on.",
    ]);
    expect(thread.filter((line) => line === "user: Yes, that sounds great!")).toHaveLength(1);
    socket.close();
    socket = await openAlly(missionId);
    // The history is the thread's conversation, each message once.
    expect(historyOf(socket)).toEqual(thread);
  });

  it("sends no reply it could not save: the turn fails and is undone", async () => {
    await start();
    const missionId = await enroll();
    const threadId = allyThreadId(enrollmentId(uid, missionId));
    const transcripts = server.store.transcripts;
    const append = transcripts.append.bind(transcripts);
    // Installed once and switched by a flag: the server's store wrappers keep the method they see.
    let full = true;
    transcripts.append = (threadId, entries) =>
      full ? Promise.reject(new Error("disk full")) : append(threadId, entries);
    const socket = await openAlly(missionId);
    const failed = await allyTurn(socket, "Hello!");
    expect(failed.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_processing_end",
      "error",
    ]);
    expect(failed[2]!.message).toMatch(/Please send it again/);
    expect(await threadMessages(threadId)).toEqual([]);

    full = false;
    const retried = await allyTurn(socket, "Hello!");
    expect(retried.map((f) => f.type)).toContain("agent_message");
    expect((await readTranscript(transcripts, threadId)).map((e) => e.text)[0]).toBe("Hello!");
    expect(await threadMessages(threadId)).toHaveLength(2);
  });

  it("takes over a conversation stored before the log existed, copying it in once", async () => {
    await start();
    const { session_id } = await server.createSession(token);
    const threadId = commanderThreadId(session_id);
    // Two turns run the way the previous version ran them: straight through the graph, no log.
    const { commander } = buildGraphs(scripted(), server.store);
    const context = { user_id: uid, session_id, learner_name: "Ada", prompts_dir: null };
    for (const text of SEED_INTERVIEW.slice(0, 2)) {
      await commander.invoke(
        { messages: [new HumanMessage({ id: crypto.randomUUID(), content: text })] },
        { configurable: { thread_id: threadId }, context, durability: "exit" },
      );
    }
    const before = await commander.getState({ configurable: { thread_id: threadId } });
    const old = ((before.values.messages ?? []) as BaseMessage[])
      .filter((m) => m.type === "human" || (m.type === "ai" && m.text.trim() !== ""))
      .map((m) => `${m.type === "human" ? "user" : "agent"}: ${m.text}`);
    expect(old).toHaveLength(4);
    expect(await server.store.transcripts.list(threadId)).toEqual([]);

    // Two sockets open it at once: the copy is made once. The newer one takes the conversation
    // over, which may close the older one before it has sent anything.
    const opened = await Promise.all([0, 1].map(() => openOrTakenOver(session_id)));
    const open = opened.filter((s) => s.closeCode === undefined);
    expect(open.length).toBeGreaterThan(0);
    for (const s of opened.filter((s) => s.closeCode !== undefined))
      expect(await s.closed).toEqual({ code: 1008, reason: "Replaced by a newer connection" });
    expect(open.map(historyOf)).toEqual(open.map(() => old));
    opened.forEach((s) => s.close());
    const copied = await readTranscript(server.store.transcripts, threadId);
    expect(copied.map((e) => e.seq)).toEqual([1, 2, 3, 4]);

    const socket = await openCommander(session_id);
    expect(historyOf(socket)).toEqual(old);
    for (const content of SEED_INTERVIEW.slice(2)) {
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      await socket.waitForFrames(from + 1);
    }
    expect(socket.frames.at(-1)?.type).toBe("mission_created");
    const after = await commander.getState({ configurable: { thread_id: threadId } });
    const humans = ((after.values.messages ?? []) as BaseMessage[]).filter(
      (m) => m.type === "human",
    );
    expect(humans.map((m) => m.text)).toEqual(SEED_INTERVIEW);
    const reopened = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    await reopened.closed;
    const history = historyOf(reopened);
    expect(history.slice(0, 4)).toEqual(old);
    expect(history.filter((line) => line.startsWith("user: "))).toEqual(
      SEED_INTERVIEW.map((text) => `user: ${text}`),
    );
  });
});
