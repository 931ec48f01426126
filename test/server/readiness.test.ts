import http from "node:http";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

let server: TestServer;
let agent: http.Agent;
beforeEach(() => {
  // One kept-alive connection: requests after the server stops listening still reach it.
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
});
afterEach(async () => {
  agent.destroy();
  await server.stop();
});

function get(path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.http}${path}`, { agent }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on("error", reject);
  });
}

describe("GET /ready", () => {
  it("answers 200 while the store answers, and 503 once it does not; /health stays 200", async () => {
    server = await startTestServer();
    expect(await get("/ready")).toEqual({ status: 200, body: { status: "ready" } });
    await server.store.close();
    // Probes within a second of each other share one answer, so this one may take a second.
    await vi.waitFor(
      async () =>
        expect(await get("/ready")).toEqual({ status: 503, body: { status: "store_unreachable" } }),
      { timeout: 5_000, interval: 200 },
    );
    expect(await get("/health")).toEqual({ status: 200, body: { status: "healthy" } });
  });

  it("answers 503 as soon as the server starts draining, while a turn still runs", async () => {
    const gate = new Gate();
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "polaris", {
      gate,
    });
    server = await startTestServer({ models: factory });
    expect((await get("/ready")).status).toBe(200);
    const { token } = await server.login("ada@example.com", "Ada");
    const { session_id } = await server.createSession(token);
    const socket = new TestSocket(
      `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    await socket.waitFor("connected");
    socket.send({ type: "user_message", content: "I want to learn Python" });
    await gate.reached;

    const stopped = server.server.shutdown();
    expect(await get("/ready")).toEqual({ status: 503, body: { status: "draining" } });
    expect(await get("/health")).toEqual({ status: 200, body: { status: "healthy" } });
    gate.open();
    // The turn that was running still gets its answer.
    expect((await socket.waitFor("agent_message")).type).toBe("agent_message");
    await stopped;
  });
});
