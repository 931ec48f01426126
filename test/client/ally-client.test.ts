import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { AllyClient } from "../../client/index.js";
import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { AllyServerFrame } from "../../server/protocol/index.js";
import { learnerReplyTo } from "../support/ally-learner.js";
import { GIT_MISSION } from "../support/missions.js";
import { wrapFactory } from "../support/model-wrappers.js";
import { startServerProcess } from "../support/server-process.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { FreezingProxy } from "./freezing-proxy.js";
import { countingWebSocket, fixedFreePort, until } from "./node-socket.js";

let server: TestServer;
let token: string;

afterEach(() => server?.stop());

async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  server = await startTestServer(options);
  token = (await server.login("ada@example.com", "Ada")).token;
}

async function enroll(
  http = server.http,
  auth = token,
): Promise<{ id: string; byte_size_checkpoints: string[] }> {
  const res = await fetch(`${http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${auth}`, "Content-Type": "application/json" },
    body: JSON.stringify(GIT_MISSION),
  });
  return ((await res.json()) as { mission: { id: string; byte_size_checkpoints: string[] } })
    .mission;
}

describe("AllyClient against the real server", () => {
  it("walks a whole mission with ask, tracking progress, handovers and the completion", async () => {
    await start();
    const mission = await enroll();
    const sockets = countingWebSocket();
    const client = new AllyClient({
      url: server.http,
      auth: { token },
      missionId: mission.id,
      ...sockets,
    });
    const progress: number[] = [];
    const handovers: string[] = [];
    client.on("checkpoint_update", (f) => progress.push(f.progress));
    client.on("agent_handover", (f) => handovers.push(f.agent));
    await client.connect();
    let turn = await client.ask("Hello, I'm ready to start learning!");
    expect(turn.frames[0]!.type).toBe("agent_processing_start");
    let turns = 1;
    while (!turn.closed && turns++ < 60)
      turn = await client.ask(learnerReplyTo(turn.messages.at(-1)?.message));

    const total = mission.byte_size_checkpoints.length;
    expect(turn.closed?.message).toBe("Congratulations! You've completed the mission!");
    expect(turn.frames.slice(-2).map((f) => f.type)).toEqual([
      "agent_processing_end",
      "session_closed",
    ]);
    expect(progress).toEqual(
      mission.byte_size_checkpoints.map((_, i) => Math.round(((i + 1) / total) * 10000) / 100),
    );
    expect(client.progress?.progress).toBe(100);
    expect(handovers.filter((a) => a === "mission_sensei")).toHaveLength(total);
    await until(() => client.state === "closed");
    expect(client.closeInfo).toMatchObject({ code: 1000, kind: "finished", retry: false });
    expect(client.completedMessage).toMatch(/Congratulations/);
    expect(sockets.opened).toHaveLength(1);
    const agents = new Set(client.messages.filter((m) => m.role === "agent").map((m) => m.agent));
    expect(agents).toEqual(new Set(["mission_ally", "mission_sensei"]));
    expect(client.messages.filter((m) => m.role === "user")).toHaveLength(turns);
    for (const frame of turn.frames) expect(AllyServerFrame.safeParse(frame).success).toBe(true);

    // Reopened later, a finished mission replays its history and closes: nothing is duplicated.
    const again = new AllyClient({
      url: server.http,
      auth: { token },
      missionId: mission.id,
      WebSocket,
    });
    await again.connect();
    expect(again.finished).toBe(true);
    expect(again.messages.map((m) => m.text)).toEqual(client.messages.map((m) => m.text));
  }, 60_000);

  it("comes back by itself after the server restarts on the same port and file, and goes on", async () => {
    const port = await fixedFreePort();
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), "learnforge-client-")), PORT: String(port) };
    let proc = await startServerProcess(env);
    const http = `http://127.0.0.1:${port}`;
    try {
      const login = await fetch(`${http}/api/v1/auth/dev-login`, {
        method: "POST",
        body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
      });
      const processToken = ((await login.json()) as { token: string }).token;
      const mission = await enroll(http, processToken);
      const sockets = countingWebSocket();
      const client = new AllyClient({
        url: http,
        auth: { token: processToken },
        missionId: mission.id,
        ...sockets,
        reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
      });
      await client.ask("Hello, I'm ready to start learning!");
      await client.ask("Yes, that sounds great!");
      const before = client.messages;
      const closes: string[] = [];
      client.on("close", (info) => closes.push(`${info.code} ${info.kind}`));

      proc.child.kill("SIGTERM");
      await proc.exited;
      expect(client.state).toBe("reconnecting");
      proc = await startServerProcess(env);
      await until(() => client.state === "open", 15_000);

      expect(closes[0]).toBe("1001 going_away");
      expect(closes.slice(1).every((c) => c === "1006 network")).toBe(true);
      expect(sockets.opened.length).toBeGreaterThanOrEqual(2);
      expect(client.messages).toEqual(before);
      const turn = await client.ask("I think it means breaking the idea into smaller parts.");
      expect(turn.messages[0]?.agent).toBe("mission_sensei");
      expect(client.messages).toHaveLength(before.length + 2);
      client.close();
    } finally {
      proc.child.kill("SIGKILL");
    }
  }, 60_000);

  it("drops a connection that stops answering pings and reconnects", async () => {
    await start();
    const mission = await enroll();
    const proxy = await FreezingProxy.start(server.port);
    const sockets = countingWebSocket();
    const client = new AllyClient({
      url: proxy.url,
      auth: { token },
      missionId: mission.id,
      ...sockets,
      heartbeat: { intervalMs: 100, timeoutMs: 150 },
      reconnect: { initialDelayMs: 20 },
    });
    await client.ask("Hello!");
    const closes: string[] = [];
    client.on("close", (info) => closes.push(`${info.code} ${info.reason}`));
    proxy.freeze();
    await until(() => closes.length > 0 && client.state === "open", 5_000);
    expect(closes[0]).toBe("1006 No answer to ping");
    expect(sockets.opened).toHaveLength(2);
    expect((await client.ask("Yes, that sounds great!")).messages.length).toBeGreaterThan(0);
    client.close();
    await proxy.close();
  });

  it("resolves a failed turn with its error, marks the message failed, and retry sends it again", async () => {
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "mission_ally", {
      failures: 1,
    });
    await start({ models: factory });
    const mission = await enroll();
    const client = new AllyClient({
      url: server.http,
      auth: { token },
      missionId: mission.id,
      WebSocket,
    });
    const failed = await client.ask("Hello!");
    expect(failed.frames.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_processing_end",
      "error",
    ]);
    expect(failed.error?.message).toMatch(/send it again/);
    expect(client.messages).toMatchObject([{ role: "user", text: "Hello!", status: "failed" }]);
    const retried = client.retry(client.messages[0]!.id)!;
    // A turn counts as delivered once its end is confirmed, a ping after agent_processing_end.
    await until(() => client.messages.length === 2 && client.messages[0]!.status === "delivered");
    expect(client.messages[0]).toMatchObject({ id: retried.id, status: "delivered" });
    expect(client.messages[1]!.text).toMatch(/^Hi Ada/);
    client.close();
  });
});
