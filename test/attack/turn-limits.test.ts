import { commanderThreadId } from "../../domain/index.js";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { LoopDelay } from "../../server/ws/loop-delay.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

const OFF_TOPIC = "What is the weather like today?";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A server whose Polaris waits at `gate` until the test opens it, so that turns overlap. */
async function heldServer(env: Record<string, string> = {}) {
  const gate = new Gate();
  const { factory, probe } = wrapFactory(createModelFactory(loadConfig({}).models), "polaris", {
    gate,
  });
  server = await startTestServer({ models: factory, env });
  return { server, probe, gate };
}

async function commander(on: TestServer, email: string) {
  const { token } = await on.login(email);
  const { session_id } = await on.createSession(token);
  const socket = new TestSocket(
    `${on.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
  );
  await socket.waitFor("connected");
  return { socket, token, session_id };
}

/**
 * Sends three messages, the first held in the middle of its turn, then shuts the server down;
 * `finishTurn` lets the held turn finish once the shutdown has begun.
 */
async function shutDownMidTurn(finishTurn: boolean, env: Record<string, string> = {}) {
  const { server, gate } = await heldServer({ TURNS_PER_MINUTE: "0", ...env });
  const { socket } = await commander(server, "ada@example.com");
  for (const content of SEED_INTERVIEW.slice(0, 3)) socket.send({ type: "user_message", content });
  await gate.reached;
  const stopped = server.stop();
  if (finishTurn) gate.open();
  await stopped;
  gate.open();
  expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
  return socket;
}

const answers = (frames: Frame[]) => frames.filter((f) => f.type !== "connected");
const kinds = (frames: Frame[]) =>
  answers(frames).map((f) => (f.code ? `${f.type}:${String(f.code)}` : f.type));

describe("turn limits on sockets", () => {
  it("hold the queue limit for the whole life of a socket", async () => {
    const { server, gate } = await heldServer({ TURNS_PER_MINUTE: "0" });
    const { socket } = await commander(server, "ada@example.com");
    socket.send({ type: "user_message", content: OFF_TOPIC });
    await gate.reached;
    for (let i = 1; i < 100; i++) socket.send({ type: "user_message", content: OFF_TOPIC });
    // The first turn is held, so every message past the limit is refused while it runs...
    const limit = server.config.maxQueuedMessages;
    await socket.waitForFrames(1 + 99 - limit);
    gate.open();
    // ...and the queued ones are answered once it lets go.
    const frames = await socket.waitForFrames(101, 30_000);
    const counts = kinds(frames).reduce<Record<string, number>>((acc, kind) => {
      acc[kind] = (acc[kind] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ agent_message: limit + 1, "error:queue_full": 99 - limit });
  });

  it("limit each user's turns per minute across their sockets, with the time to wait", async () => {
    server = await startTestServer({ env: { TURNS_PER_MINUTE: "4" } });
    const first = await commander(server, "ada@example.com");
    const second = await commander(server, "ada@example.com");
    const other = await commander(server, "grace@example.com");
    for (const socket of [first.socket, second.socket, first.socket, second.socket]) {
      expect((await socket.reply(OFF_TOPIC)).type).toBe("agent_message");
    }
    const limited = await second.socket.reply(OFF_TOPIC);
    expect(limited).toMatchObject({ type: "error", code: "rate_limited" });
    expect(limited.message).toMatch(/faster than 4 a minute.*Please wait \d+ s/);
    expect(limited.retry_after_ms).toBeGreaterThan(10_000);
    expect(limited.retry_after_ms).toBeLessThanOrEqual(15_000);
    expect((await other.socket.reply(OFF_TOPIC)).type).toBe("agent_message");
  });

  it("drop the turns a closed socket had queued; the running one finishes", async () => {
    const { server, probe, gate } = await heldServer({ TURNS_PER_MINUTE: "0" });
    const { socket, token, session_id } = await commander(server, "ada@example.com");
    for (const content of SEED_INTERVIEW.slice(0, 4))
      socket.send({ type: "user_message", content });
    await gate.reached;
    socket.close();
    await socket.closed;
    gate.open();
    // The socket lets its lease go only once no turn of it runs any more: by then a queued turn
    // that was not dropped would have called the model too.
    await expect
      .poll(async () => (await server.store.leases.get(commanderThreadId(session_id)))?.owner, {
        timeout: 10_000,
      })
      .toBeNull();
    expect(probe.calls).toBe(1);
    const again = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    const history = await again.waitFor("historical_messages");
    expect((history.messages as { type: string }[]).map((m) => m.type)).toEqual([
      "user_message",
      "agent_message",
    ]);
  });

  it("answer a new turn at once with a retryable busy error while the server is saturated", async () => {
    const { server, probe, gate } = await heldServer({
      MAX_RUNNING_TURNS: "2",
      TURNS_PER_MINUTE: "0",
    });
    const [a, b, c] = await Promise.all(
      ["ada", "bob", "cy"].map((name) => commander(server, `${name}@example.com`)),
    );
    a!.socket.send({ type: "user_message", content: OFF_TOPIC });
    b!.socket.send({ type: "user_message", content: OFF_TOPIC });
    await gate.reachedBy(2);
    // Both running turns wait at the gate: the answer below cannot have waited for either.
    c!.socket.send({ type: "user_message", content: OFF_TOPIC });
    c!.socket.send({ type: "ping" });
    const [busy, pong] = answers(await c!.socket.waitForFrames(3));
    expect(probe.active).toBe(2);
    expect(busy).toEqual({
      type: "error",
      code: "busy",
      message:
        "The server is busy right now, so this message was not processed. Please send it again in a moment.",
      retry_after_ms: 1000,
    });
    expect(pong).toEqual({ type: "pong" });
    gate.open();
    await a!.socket.waitFor("agent_message");
    await b!.socket.waitFor("agent_message");
    c!.socket.send({ type: "user_message", content: OFF_TOPIC });
    expect((await c!.socket.waitFor("agent_message", 3)).type).toBe("agent_message");
  });

  it("are busy while the event loop keeps running late, and take turns again once it catches up", async () => {
    server = await startTestServer({ env: { BUSY_EVENT_LOOP_DELAY_MS: "100" } });
    const { socket } = await commander(server, "ada@example.com");
    // This test shares the server's event loop: a lone stall is no saturation...
    const stallUntil = performance.now() + 400;
    while (performance.now() < stallUntil);
    socket.send({ type: "user_message", content: OFF_TOPIC });
    expect((await socket.waitFor("agent_message", 1)).type).toBe("agent_message");
    // ...but a loop kept 200 ms late, as synchronous work swamping the server would keep it, is.
    // The test reads the server's own measure of lateness, taken on the same loop, to know when
    // the loop has run late long enough (past the 100 ms limit) and when it has caught up again.
    const loop = new LoopDelay();
    try {
      const hog = setInterval(() => {
        const until = performance.now() + 200;
        while (performance.now() < until);
      }, 1);
      try {
        await expect.poll(() => loop.ms, { timeout: 5_000 }).toBeGreaterThan(150);
        socket.send({ type: "user_message", content: OFF_TOPIC });
        const busy = await socket.waitFor("error", 2);
        expect(busy).toMatchObject({ code: "busy", retry_after_ms: 1000 });
      } finally {
        clearInterval(hog);
      }
      await expect.poll(() => loop.ms, { timeout: 5_000 }).toBeLessThan(25);
    } finally {
      loop.stop();
    }
    socket.send({ type: "user_message", content: OFF_TOPIC });
    expect((await socket.waitFor("agent_message", 3)).type).toBe("agent_message");
  });

  it("on shutdown, answer every queued message with not_processed before closing 1001", async () => {
    const socket = await shutDownMidTurn(true);
    expect(kinds(socket.frames)).toEqual([
      "agent_message",
      "error:not_processed",
      "error:not_processed",
    ]);
    expect(answers(socket.frames)[1]!.message).toMatch(/was not processed\. Please send it again/);
  });

  it("on shutdown past the grace period, fail the running turn and answer the queued ones", async () => {
    const socket = await shutDownMidTurn(false, { SHUTDOWN_GRACE_MS: "200" });
    expect(kinds(socket.frames)).toEqual(["error", "error:not_processed", "error:not_processed"]);
  });
});

describe("frame sizes and encodings", () => {
  it("answer frames over MAX_FRAME_BYTES with an error; over four times that the connection drops", async () => {
    server = await startTestServer({ env: { MAX_FRAME_BYTES: "1024" } });
    const { socket } = await commander(server, "ada@example.com");
    const frame = (bytes: number) =>
      JSON.stringify({ type: "user_message", content: "x".repeat(bytes - 40) }).padEnd(bytes, " ");
    socket.sendRaw(frame(4096));
    expect(await socket.waitFor("error", 1)).toEqual({
      type: "error",
      message: "Invalid message format: frame exceeds 1024 bytes",
    });
    socket.sendRaw(frame(4097));
    expect((await socket.closed).code).toBe(1006);
    expect(server.logLines.some((l) => /socket dropped.*too big/i.test(l))).toBe(true);
    const next = await commander(server, "ada@example.com");
    next.socket.send({ type: "ping" });
    expect(await next.socket.waitFor("pong")).toEqual({ type: "pong" });
  });

  it("survive invalid UTF-8 in a text frame, which the WebSocket layer drops the connection for", async () => {
    server = await startTestServer();
    const { socket } = await commander(server, "ada@example.com");
    socket.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await socket.closed).code).toBe(1006);
    expect(server.logLines.some((l) => /socket dropped.*invalid UTF-8/.test(l))).toBe(true);
    const next = await commander(server, "ada@example.com");
    next.socket.send({ type: "ping" });
    expect(await next.socket.waitFor("pong")).toEqual({ type: "pong" });
  });
});
