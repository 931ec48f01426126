import WebSocket from "ws";
import { Connection, type IncomingFrame } from "../../client/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { fixedFreePort, until } from "./node-socket.js";

let server: TestServer;
let url: string;

beforeEach(async () => {
  server = await startTestServer();
  const { token } = await server.login("ada@example.com", "Ada");
  const { session_id } = await server.createSession(token);
  url = `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`;
});
afterEach(() => server.stop());

function open(target = url) {
  const connection = new Connection(target, { WebSocket });
  const frames: IncomingFrame[] = [];
  connection.on("frame", (frame) => frames.push(frame));
  return { connection, frames };
}

describe("Connection, the client library's low-level socket", () => {
  it("hands over every frame in order, with its text and JSON, then the close", async () => {
    const { connection, frames } = open();
    const events: string[] = [];
    connection.on("open", () => events.push("open"));
    connection.on("close", ({ code }) => events.push(`close ${code}`));
    expect(connection.send({ type: "ping" })).toBe(false);
    await connection.opened;
    expect(connection.isOpen).toBe(true);
    expect(connection.sendRaw("not json")).toBe(true);
    expect(connection.send({ type: "ping" })).toBe(true);
    await until(() => frames.length === 3);
    expect(frames.map((f) => f.json)).toEqual([
      { type: "connected", message: expect.stringMatching(/Mission Commander/) },
      { type: "error", message: "Invalid message format: malformed JSON" },
      { type: "pong" },
    ]);
    for (const frame of frames) expect(JSON.parse(frame.data)).toEqual(frame.json);

    connection.close(1000, "Done");
    expect(await connection.closed).toEqual({ code: 1000, reason: "Done" });
    expect(connection.closeInfo).toEqual({ code: 1000, reason: "Done" });
    expect(events).toEqual(["open", "close 1000"]);
    expect(connection.isOpen).toBe(false);
    expect(connection.send({ type: "ping" })).toBe(false);
  });

  it("sends bytes as a binary frame, a string as binary on request, and bytes as text on request", async () => {
    const { connection, frames } = open();
    await connection.opened;
    connection.sendRaw(new Uint8Array([0xff, 0xfe, 0xfd]));
    connection.sendRaw(JSON.stringify({ type: "ping" }), { binary: true });
    await until(() => frames.length === 3);
    expect(frames.slice(1).map((f) => f.json)).toEqual([
      { type: "error", message: "Invalid message format: frames must be UTF-8 JSON" },
      { type: "pong" },
    ]);
    // The same kind of bytes in a text frame break the WebSocket protocol: the server drops the socket.
    connection.sendRaw(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await connection.closed).code).toBe(1006);
    expect(frames).toHaveLength(3);
  });

  it("reads again after a pause, and drops the connection without a close frame", async () => {
    // That a pause stops reading is the backpressure test's to show (test/e2e/commander.test.ts).
    const { connection, frames } = open();
    await connection.opened;
    connection.pause();
    connection.send({ type: "ping" });
    connection.resume();
    await until(() => frames.length === 2);
    expect(frames.map((f) => (f.json as { type: string }).type)).toEqual(["connected", "pong"]);
    connection.terminate();
    expect(await connection.closed).toEqual({ code: 1006, reason: "" });
  });

  it("rejects `opened` when nothing answers, without the token in the message", async () => {
    const port = await fixedFreePort();
    const { connection } = open(`ws://127.0.0.1:${port}/api/v1/mission-ally/ws?token=secret-1`);
    const failure = await connection.opened.then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).toBe(
      `Could not connect to ws://127.0.0.1:${port}/api/v1/mission-ally/ws?token=…: connect ECONNREFUSED 127.0.0.1:${port} (1006)`,
    );
    expect(failure).not.toContain("secret-1");
    expect(await connection.closed).toEqual({ code: 1006, reason: "" });
  });
});
