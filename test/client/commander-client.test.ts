import WebSocket from "ws";
import { ClientClosedError, CommanderClient, type CommanderFrame } from "../../client/index.js";
import { CommanderServerFrame } from "../../server/protocol/index.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { countingWebSocket, until } from "./node-socket.js";

let server: TestServer;
let token: string;

beforeEach(async () => {
  server = await startTestServer();
  token = (await server.login("ada@example.com", "Ada")).token;
});
afterEach(() => server.stop());

describe("CommanderClient against the real server", () => {
  it("starts an interview, resolves each ask with the one reply frame, and ends on mission_created", async () => {
    const sockets = countingWebSocket();
    const client = new CommanderClient({ url: server.http, auth: { token }, ...sockets });
    const states: string[] = [];
    client.on("state", (s) => states.push(s));
    await client.connect();
    expect(client.sessionId).toMatch(/\w+/);
    const replies = [];
    for (const text of SEED_INTERVIEW) replies.push((await client.ask(text)).reply);

    expect(replies.slice(0, -1).map((r) => r.type)).toEqual(Array(4).fill("agent_message"));
    const created = replies.at(-1)!;
    expect(created.type).toBe("mission_created");
    expect(client.mission?.id).toBe(created.type === "mission_created" && created.mission.id);
    expect(client.enrollment?.mission_id).toBe(client.mission?.id);
    await until(() => client.state === "closed");
    expect(client.closeInfo).toMatchObject({ code: 1000, kind: "finished", retry: false });
    expect(client.finished).toBe(true);
    expect(states).toEqual(["connecting", "open", "closed"]);
    expect(sockets.opened).toHaveLength(1);
    expect(client.messages.map((m) => [m.role, m.status])).toEqual([
      ...SEED_INTERVIEW.slice(0, -1).flatMap(() => [
        ["user", "delivered"],
        ["agent", "complete"],
      ]),
      ["user", "delivered"],
    ]);
    await expect(client.ask("One more thing")).rejects.toBeInstanceOf(ClientClosedError);
  });

  it("authenticates by cookie, assembles token deltas into messages and brackets turns with events=all", async () => {
    const client = new CommanderClient({
      url: server.ws,
      auth: { cookie: `session=${token}` },
      WebSocket,
      stream: true,
      events: "all",
    });
    const streamed: string[] = [];
    client.on("messages", (messages) => {
      const last = messages.at(-1);
      if (last?.status === "streaming") streamed.push(last.text);
    });
    const typing: boolean[] = [];
    client.on("typing", (t) => typing.push(t));
    const turn = await client.ask(SEED_INTERVIEW[0]!);
    const types = turn.frames.map((f) => f.type);
    expect(types[0]).toBe("agent_processing_start");
    expect(types.at(-1)).toBe("agent_processing_end");
    expect(types).toContain("agent_message_delta");
    const reply = turn.reply as Extract<CommanderFrame, { type: "agent_message" }>;
    expect(reply.type).toBe("agent_message");
    // The text grew delta by delta, and the whole message replaced the streamed copy in place.
    expect(streamed.length).toBeGreaterThan(3);
    expect(reply.content.startsWith(streamed.at(-1)!)).toBe(true);
    expect(client.messages.map((m) => m.text)).toEqual([SEED_INTERVIEW[0], reply.content]);
    expect(client.messages[1]).toMatchObject({
      id: reply.id,
      status: "complete",
      agent: "polaris",
    });
    expect(typing).toEqual([true, false]);
    for (const frame of turn.frames)
      expect(CommanderServerFrame.safeParse(frame).success).toBe(true);
    client.close();
  });

  it("reconnects after a network drop and resumes the interview without duplicating history", async () => {
    const proxy = await TcpProxy.start(`127.0.0.1:${server.port}`);
    const sockets = countingWebSocket();
    const client = new CommanderClient({
      url: `http://${proxy.host}`,
      auth: { token },
      ...sockets,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const reconnects: number[] = [];
    client.on("reconnecting", ({ attempt }) => reconnects.push(attempt));
    await client.ask(SEED_INTERVIEW[0]!);
    await client.ask(SEED_INTERVIEW[1]!);
    const before = client.messages.map((m) => [m.id, m.text]);

    proxy.cut();
    await until(() => client.state === "reconnecting");
    expect(client.closeInfo).toMatchObject({ code: 1006, kind: "network", retry: true });
    const queued = client.send(SEED_INTERVIEW[2]!);
    expect(queued.status).toBe("queued");
    // An attempt made while the network is still down fails, and the client tries again.
    await until(() => reconnects.length >= 2);
    proxy.restore();
    await until(() => client.state === "open");
    await until(() => client.messages.length === 6 && !client.typing);

    expect(reconnects.slice(0, 2)).toEqual([1, 2]);
    expect(sockets.opened.length).toBeGreaterThanOrEqual(3);
    // Same session, same messages and ids as before the drop, then the queued message's turn.
    expect(new URL(sockets.opened.at(-1)!).searchParams.get("session_id")).toBe(client.sessionId);
    expect(client.messages.slice(0, 4).map((m) => [m.id, m.text])).toEqual(before);
    expect(client.messages[4]).toMatchObject({ text: SEED_INTERVIEW[2], status: "delivered" });
    expect(client.messages[5]!.role).toBe("agent");
    client.close();
    await proxy.close();
  });

  it("does not retry a refused token (1008) and rejects connect with the reason", async () => {
    const sockets = countingWebSocket();
    const client = new CommanderClient({
      url: server.http,
      auth: { token },
      ...sockets,
      sessionId: "no-such-session",
      reconnect: { initialDelayMs: 10 },
    });
    // A retry is scheduled, with this event, as the close is handled, or never.
    const retries: number[] = [];
    client.on("reconnecting", ({ attempt }) => retries.push(attempt));
    const error = await client.connect().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(client.closeInfo).toMatchObject({ code: 1008, kind: "forbidden", retry: false });
    const bad = new CommanderClient({
      url: server.http,
      auth: { token: "not-a-token" },
      WebSocket,
      sessionId: client.sessionId ?? "x",
    });
    await bad.connect().catch(() => {});
    expect(bad.closeInfo).toMatchObject({ code: 1008, kind: "unauthorized" });
    // Without a session id, a refused token already fails the interview's creation.
    const signedOut = new CommanderClient({ url: server.http, auth: { token: "x" }, ...sockets });
    await expect(signedOut.connect()).rejects.toBeInstanceOf(ClientClosedError);
    expect(signedOut.closeInfo).toMatchObject({ kind: "unauthorized", retry: false });
    expect(retries).toEqual([]);
    expect(sockets.opened).toHaveLength(1);
    expect(client.state).toBe("closed");
  });

  it("tells the older client it was taken over by a newer one, and does not fight back", async () => {
    const { session_id } = await server.createSession(token);
    const older = countingWebSocket();
    const first = new CommanderClient({
      url: server.http,
      auth: { token },
      sessionId: session_id,
      ...older,
    });
    await first.ask(SEED_INTERVIEW[0]!);
    const retries: number[] = [];
    first.on("reconnecting", ({ attempt }) => retries.push(attempt));
    const errors: string[] = [];
    first.on("error", (frame) => errors.push(frame.message));
    const second = new CommanderClient({
      url: server.http,
      auth: { token },
      sessionId: session_id,
      WebSocket,
    });
    await second.connect();
    await until(() => first.state === "closed");
    expect(first.closeInfo).toMatchObject({ code: 1008, kind: "taken_over", retry: false });
    expect(errors[0]).toMatch(/another window/);
    expect(second.messages.map((m) => m.text)).toEqual(first.messages.map((m) => m.text));
    expect(retries).toEqual([]);
    expect(older.opened).toHaveLength(1);
    expect(second.state).toBe("open");
    second.close();
  });
});
