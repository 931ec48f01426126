import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { buildGraphs, createModelFactory } from "../../graphs/index.js";
import { allyThreadId, commanderThreadId, enrollmentId } from "../../domain/index.js";
import { loadConfig } from "../../server/index.js";
import { readTranscript } from "../../store/index.js";
import { allyTurn } from "../support/ally-learner.js";
import { GIT_MISSION } from "../support/missions.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
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

/**
 * A server with an enrolled mission whose transcript appends fail until `heal()`: "refused" ones
 * store nothing; "answer lost" ones store the entries and then fail, as a commit whose answer never
 * arrived. Installed once and switched by a flag: the server's store wrappers keep the method they
 * see.
 */
async function startWithFailingAppends(how: "refused" | "answer lost") {
  await start();
  const missionId = await enroll();
  const transcripts = server.store.transcripts;
  const append = transcripts.append.bind(transcripts);
  let failing = true;
  transcripts.append = async (threadId, entries, options) => {
    if (failing && how === "refused") throw new Error("disk full");
    const stored = await append(threadId, entries, options);
    if (failing) throw new Error("connection reset");
    return stored;
  };
  const threadId = allyThreadId(enrollmentId(uid, missionId));
  return { missionId, threadId, transcripts, heal: () => (failing = false) };
}

/** A turn whose save failed: the learner is shown nothing but the error asking to send it again. */
async function failedTurn(socket: TestSocket, text: string): Promise<void> {
  const failed = await allyTurn(socket, text);
  expect(failed.map((f) => f.type)).toEqual([
    "agent_processing_start",
    "agent_processing_end",
    "error",
  ]);
  expect(failed[2]!.message).toMatch(/Please send it again/);
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

  it("loses nothing when another socket takes the conversation over in the middle of a turn", async () => {
    // The sensei's first call waits at the gate, after Lumina has spoken in that turn.
    const gate = new Gate();
    const { factory } = wrapFactory(scripted(), "mission_sensei", { gate });
    await start({ models: factory });
    const missionId = await enroll();
    const threadId = allyThreadId(enrollmentId(uid, missionId));
    const older = await openAlly(missionId);
    const first = await allyTurn(older, "Hello!");
    const from = older.frames.length;
    older.send({ type: "user_message", message: "Yes, that sounds great!" });
    const lumina = `agent: ${String((await older.waitFor("agent_message", from)).message)}`;
    await gate.reached;

    const newer = await openAlly(missionId);
    expect(await older.closed).toEqual({ code: 1008, reason: "Replaced by a newer connection" });
    expect(older.frames.at(-1)).toMatchObject({ type: "error", message: /another window/ });
    // Everything the older socket showed, its cut-off turn included, and nothing else.
    const saw = [...shown(["Hello!"], first), "user: Yes, that sounds great!", lumina];
    expect(historyOf(newer)).toEqual(saw);
    // The older turn's model call goes on, but nothing of that turn is saved any more.
    gate.open();
    await allyTurn(newer, "Let's go on.");
    const thread = await threadMessages(threadId);
    expect(thread.slice(0, 5)).toEqual([...saw, "user: Let's go on."]);
    expect(thread.filter((line) => line === "user: Yes, that sounds great!")).toHaveLength(1);
    newer.close();
    const reopened = await openAlly(missionId);
    expect(historyOf(reopened)).toEqual(thread);
  });

  it("sends no reply it could not save: the turn fails and is undone", async () => {
    const { missionId, threadId, transcripts, heal } = await startWithFailingAppends("refused");
    const socket = await openAlly(missionId);
    await failedTurn(socket, "Hello!");
    expect(await threadMessages(threadId)).toEqual([]);

    heal();
    const retried = await allyTurn(socket, "Hello!");
    expect(retried.map((f) => f.type)).toContain("agent_message");
    expect((await readTranscript(transcripts, threadId)).map((e) => e.text)[0]).toBe("Hello!");
    expect(await threadMessages(threadId)).toHaveLength(2);
  });

  it("folds in a reply whose save landed though the store's answer was lost", async () => {
    const { missionId, threadId, transcripts, heal } = await startWithFailingAppends("answer lost");
    const socket = await openAlly(missionId);
    await failedTurn(socket, "Hello!");
    const saved = (await readTranscript(transcripts, threadId)).map((e) => e.text);
    expect(saved).toHaveLength(2);
    expect(saved[0]).toBe("Hello!");

    heal();
    await allyTurn(socket, "Hello again!");
    socket.close();
    // The next turn took in what the log holds, which is what a reconnect shows.
    const thread = await threadMessages(threadId);
    expect(thread.slice(0, 3)).toEqual([
      "user: Hello!",
      `agent: ${saved[1]}`,
      "user: Hello again!",
    ]);
    expect(historyOf(await openAlly(missionId))).toEqual(thread);
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
