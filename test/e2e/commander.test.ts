import { enrollmentId } from "../../domain/index.js";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { CommanderServerFrame } from "../../server/protocol/index.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

let server: TestServer;
let token: string;

beforeEach(async () => {
  server = await startTestServer();
  token = (await server.login("ada@example.com", "Ada")).token;
});
afterEach(() => server.stop());

async function connect(sessionId: string, extra = "", options = {}) {
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${token}${extra}`,
    options,
  );
  await socket.waitFor("connected");
  return socket;
}

/** Sends one message and returns the frames it produced until `done` says the reply is complete. */
async function turn(socket: TestSocket, content: string, done = (f: Frame) => f.type !== "pong") {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  await socket.waitForFrames(from + 1);
  const start = Date.now();
  while (!socket.frames.slice(from).some(done) && Date.now() - start < 10_000) {
    await socket.waitForFrames(socket.frames.length + 1);
  }
  return socket.frames.slice(from);
}

describe("Mission Commander over a real socket", () => {
  it("runs the seed interview to mission_created with one frame per message, then closes 1000", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    expect(socket.frames).toEqual([
      {
        type: "connected",
        message: "Connected to Mission Commander. Starting your learning journey...",
      },
    ]);
    const replies: Frame[] = [];
    for (const content of SEED_INTERVIEW) {
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      replies.push((await socket.waitForFrames(from + 1))[from]!);
    }
    const { code } = await socket.closed;
    expect(code).toBe(1000);
    // Exactly one frame per message: nothing arrived after each reply.
    expect(socket.frames).toHaveLength(1 + SEED_INTERVIEW.length);
    expect(replies.slice(0, -1).map((f) => f.type)).toEqual(Array(4).fill("agent_message"));
    for (const reply of replies.slice(0, -1)) {
      expect(reply.content).toBe(reply.message);
      expect((reply.content as string).match(/\?/g)).toHaveLength(1);
    }
    expect(replies[3]!.content).toMatch(/Python for data analysis/);

    for (const frame of socket.frames)
      expect(CommanderServerFrame.safeParse(frame).error).toBeUndefined();
    const created = replies.at(-1)!;
    expect(created).toMatchObject({
      type: "mission_created",
      message: "Mission created successfully!",
    });
    const mission = created.mission as {
      id: string;
      title: string;
      byte_size_checkpoints: string[];
      creator_id: string;
    };
    expect(mission.title).toMatch(/Python/);
    expect(mission.byte_size_checkpoints.length).toBeGreaterThanOrEqual(4);
    expect(mission.byte_size_checkpoints.length).toBeLessThanOrEqual(6);
    expect(mission.byte_size_checkpoints.some((c) => /Python/.test(c))).toBe(true);
    expect(created.enrollment).toMatchObject({
      mission_id: mission.id,
      user_id: mission.creator_id,
      progress: 0,
      completed: false,
    });

    const res = await fetch(`${server.http}/api/v1/sessions/${session_id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await res.json()).toMatchObject({ status: "completed", mission_id: mission.id });
    expect(
      await server.store.allySessions.getForEnrollment(
        enrollmentId(mission.creator_id, mission.id),
      ),
    ).toMatchObject({
      status: "created",
    });
  });

  it("with ?events=all brackets turns and announces the curator before mission_created", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id, "&events=all");
    const first = await turn(socket, SEED_INTERVIEW[0]!, (f) => f.type === "agent_processing_end");
    expect(first.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_message",
      "agent_processing_end",
    ]);
    for (const content of SEED_INTERVIEW.slice(1, -1))
      await turn(socket, content, (f) => f.type === "agent_processing_end");
    const last = await turn(socket, SEED_INTERVIEW.at(-1)!, (f) => f.type === "mission_created");
    expect(last.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_handover",
      "agent_processing_end",
      "mission_created",
    ]);
    for (const frame of socket.frames)
      expect(CommanderServerFrame.safeParse(frame).error).toBeUndefined();
    expect(last[1]).toEqual({
      type: "agent_handover",
      agent: "mission_curator",
      message: "Creating your personalized learning mission...",
    });
    expect((await socket.closed).code).toBe(1000);
  });

  it("with ?stream=tokens sends deltas that add up to the message that follows", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id, "&stream=tokens");
    const frames = await turn(socket, SEED_INTERVIEW[0]!, (f) => f.type === "agent_message");
    const message = frames.at(-1)!;
    const deltas = frames.filter((f) => f.type === "agent_message_delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => d.id === message.id)).toBe(true);
    expect(deltas.map((d) => d.delta).join("")).toBe(message.content);
  });

  it("resumes an interview on reconnect, starting with the history", async () => {
    const { session_id } = await server.createSession(token);
    const first = await connect(session_id);
    await turn(first, SEED_INTERVIEW[0]!);
    await turn(first, SEED_INTERVIEW[1]!);
    first.close();
    await first.closed;
    await vi.waitFor(async () =>
      expect((await server.store.commanderSessions.get(session_id))?.status).toBe("abandoned"),
    );

    const second = await connect(session_id);
    const history = await second.waitFor("historical_messages");
    const messages = history.messages as { type: string; content: string; message: string }[];
    expect(messages.map((m) => m.type)).toEqual([
      "user_message",
      "agent_message",
      "user_message",
      "agent_message",
    ]);
    expect(messages[0]!.content).toBe(SEED_INTERVIEW[0]);
    expect(messages[2]!.message).toBe(SEED_INTERVIEW[1]);
    await vi.waitFor(async () =>
      expect((await server.store.commanderSessions.get(session_id))?.status).toBe("active"),
    );
    for (const content of SEED_INTERVIEW.slice(2)) await turn(second, content);
    expect(second.frames.at(-1)?.type).toBe("mission_created");
  });

  it("replays mission_created and closes 1000 when reconnecting after the mission exists", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    for (const content of SEED_INTERVIEW) await turn(socket, content);
    const created = socket.frames.at(-1)!;
    await socket.closed;

    const again = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    expect((await again.closed).code).toBe(1000);
    expect(again.frames.map((f) => f.type)).toEqual([
      "connected",
      "historical_messages",
      "mission_created",
    ]);
    expect(again.frames[2]).toEqual(created);
  });

  it("answers malformed and oversized frames with errors and keeps the socket open", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    const inputs: (string | Buffer)[] = [
      "not json",
      "[1,2,3]",
      JSON.stringify({ type: "dance" }),
      JSON.stringify({ type: "user_message" }),
      JSON.stringify({ type: "user_message", content: "" }),
      Buffer.from([0xff, 0xfe, 0xfd]),
      JSON.stringify({ type: "user_message", content: "x".repeat(70 * 1024) }),
    ];
    for (const input of inputs) socket.sendRaw(input);
    socket.send({ type: "ping" });
    const frames = await socket.waitForFrames(1 + inputs.length + 1);
    expect(frames.slice(1).map((f) => f.message ?? f.type)).toEqual([
      "Invalid message format: malformed JSON",
      "Invalid message format: expected a JSON object",
      "Invalid message format: Unknown message type: dance",
      "Invalid message format: missing required field 'content'",
      "Invalid message format: missing required field 'content'",
      "Invalid message format: frames must be UTF-8 JSON",
      "Invalid message format: frame exceeds 65536 bytes",
      "pong",
    ]);
    expect(socket.closeCode).toBeUndefined();
    const reply = await turn(socket, SEED_INTERVIEW[0]!);
    expect(reply[0]?.type).toBe("agent_message");
  });

  it("closes 1008 with a reason after the upgrade for auth and ownership failures", async () => {
    const { session_id } = await server.createSession(token);
    const other = (await server.login("grace@example.com", "Grace")).token;
    const url = `${server.ws}/api/v1/mission-commander/ws`;
    const cases: [string, Record<string, unknown>, string][] = [
      [`${url}?session_id=${session_id}`, {}, "Missing authentication token"],
      [
        `${url}?session_id=${session_id}&token=forged.token.value`,
        {},
        "Authentication failed: Invalid authentication token",
      ],
      [`${url}?session_id=${session_id}&token=${other}`, {}, "Session user mismatch"],
      [`${url}?session_id=nope&token=${token}`, {}, "Invalid session"],
      [`${url}?token=${token}`, {}, "Missing session_id"],
    ];
    for (const [target, options, reason] of cases) {
      const socket = new TestSocket(target, options);
      await socket.opened;
      const closed = await socket.closed;
      expect(closed).toEqual({ code: 1008, reason });
      expect(socket.frames).toEqual([{ type: "error", message: reason }]);
    }
    const viaCookie = new TestSocket(`${url}?session_id=${session_id}`, {
      headers: { Cookie: `session=${other}` },
    });
    expect((await viaCookie.closed).code).toBe(1008);
    const viaHeader = new TestSocket(`${url}?session_id=${session_id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await viaHeader.waitFor("connected");
    viaHeader.close();
  });

  it("queues messages sent mid-turn and runs them one at a time, in order", async () => {
    await server.stop();
    const base = createModelFactory(loadConfig({}).models);
    const gate = new Gate();
    const { factory, probe } = wrapFactory(base, "polaris", { gate });
    server = await startTestServer({ models: factory });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    for (const content of SEED_INTERVIEW.slice(0, 3))
      socket.send({ type: "user_message", content });
    socket.send({ type: "ping" });
    // The first turn holds in its model call until the pong shows the rest were received.
    await socket.waitFor("pong");
    gate.open();
    const frames = await socket.waitForFrames(5);
    expect(frames.map((f) => f.type)).toEqual([
      "connected",
      "pong",
      "agent_message",
      "agent_message",
      "agent_message",
    ]);
    expect(probe.max).toBe(1);
    expect(probe.calls).toBe(3);
    const history = await new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    ).waitFor("historical_messages");
    expect(
      (history.messages as { content: string }[])
        .filter((_, i) => i % 2 === 0)
        .map((m) => m.content),
    ).toEqual(SEED_INTERVIEW.slice(0, 3));
  });

  it("hands the conversation to a newer socket and closes the older one with 1008", async () => {
    const { session_id } = await server.createSession(token);
    const older = await connect(session_id);
    const newer = await connect(session_id);
    expect(await older.closed).toEqual({ code: 1008, reason: "Replaced by a newer connection" });
    expect(older.frames.at(-1)?.type).toBe("error");
    const reply = await turn(newer, SEED_INTERVIEW[0]!);
    expect(reply[0]?.type).toBe("agent_message");
  });

  it("closes a socket that stays idle past the timeout", async () => {
    await server.stop();
    server = await startTestServer({ env: { WS_IDLE_TIMEOUT_SECONDS: "1" } });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    expect(await socket.closed).toEqual({ code: 1000, reason: "Idle timeout" });
  });

  it("on shutdown lets the running turn finish, then closes with 1001", async () => {
    await server.stop();
    const gate = new Gate();
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "polaris", {
      gate,
    });
    server = await startTestServer({ models: factory });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    socket.send({ type: "user_message", content: SEED_INTERVIEW[0] });
    await gate.reached;
    // Draining starts at once; the turn is let through only then.
    const stopped = server.stop();
    gate.open();
    await stopped;
    expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(socket.frames.map((f) => f.type)).toEqual(["connected", "agent_message"]);
  });

  it("answers a failed model call with an error frame, keeps the socket, and lets the learner retry", async () => {
    await server.stop();
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "polaris", {
      failures: 1,
    });
    server = await startTestServer({ models: factory });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    expect(await turn(socket, SEED_INTERVIEW[0]!)).toEqual([
      {
        type: "error",
        message: "Sorry, something went wrong while processing your message. Please send it again.",
      },
    ]);
    const retry = await turn(socket, SEED_INTERVIEW[0]!);
    expect(retry.map((f) => f.type)).toEqual(["agent_message"]);
    expect(retry[0]!.content).toMatch(/Python for data analysis/);
  });

  it("closes with 1011 when the server itself fails", async () => {
    const { session_id } = await server.createSession(token);
    await server.store.close();
    const socket = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    expect(await socket.closed).toEqual({ code: 1011, reason: "Internal server error" });
    expect(socket.frames).toEqual([{ type: "error", message: "Internal server error" }]);
  });

  it("disconnects a client that stops reading instead of buffering for it", async () => {
    await server.stop();
    server = await startTestServer({ env: { WS_MAX_BACKPRESSURE_BYTES: "16384" } });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    socket.pause();
    // Each of these earns a ~100-byte error frame that the paused client never reads.
    const unknown = JSON.stringify({ type: "x".repeat(64) });
    const stopped = () => server.logLines.some((l) => l.includes("stopped reading"));
    for (let i = 0; i < 400_000 && !stopped(); i++) {
      socket.sendRaw(unknown);
      if (i % 2000 === 1999) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(
      server.logLines.some((l) => l.includes("closing a socket whose client stopped reading")),
    ).toBe(true);
    socket.terminate();
  });

  it("keeps tokens out of the log", async () => {
    const { session_id } = await server.createSession(token);
    const socket = await connect(session_id);
    await turn(socket, SEED_INTERVIEW[0]!);
    await new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=bad`,
    ).closed;
    expect(server.logLines.length).toBeGreaterThan(0);
    expect(server.logLines.join("\n")).not.toContain(token);
  });
});
