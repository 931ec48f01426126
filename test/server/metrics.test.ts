import { createModelFactory } from "../../graphs/index.js";
import { loadConfig } from "../../server/index.js";
import { ServerMetrics, metricsRoute } from "../../server/observability/index.js";
import type { RequestInfo } from "../../server/http/handler.js";
import { GIT_MISSION } from "../support/missions.js";
import { wrapFactory } from "../support/model-wrappers.js";
import { metricValue, parseMetrics, type Sample } from "../support/prometheus.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket } from "../support/ws-client.js";

let server: TestServer;
afterEach(() => server.stop());

async function scrape(headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(`${server.http}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

async function commanderSocket(token: string) {
  const { session_id } = await server.createSession(token);
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
  );
  await socket.waitFor("connected");
  return socket;
}

async function say(socket: TestSocket, content: string) {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  return (await socket.waitForFrames(from + 1))[from]!;
}

describe("GET /metrics", () => {
  it("counts sockets, turns per agent with their latency, model calls and tokens, errors and store calls", async () => {
    // The Ally's mission_sensei fails its first call, so one turn fails.
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "mission_sensei", {
      failures: 1,
    });
    server = await startTestServer({ models: factory });
    const { token } = await server.login("ada@example.com", "Ada");

    const interview = await commanderSocket(token);
    expect(metricValue(await scrape(), "learnforge_open_sockets", { endpoint: "commander" })).toBe(
      1,
    );
    interview.send("not json");
    await interview.waitFor("error");
    for (const content of SEED_INTERVIEW) await say(interview, content);
    await interview.closed;

    const enrolled = await fetch(`${server.http}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(GIT_MISSION),
    });
    const { mission } = (await enrolled.json()) as { mission: { id: string } };
    const ally = new TestSocket(
      `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
    );
    await ally.waitFor("connected");
    // Lumina briefs the first checkpoint; agreeing hands over to the sensei, whose call fails.
    for (const message of ["Hi!", "Yes, that sounds great!"]) {
      const from = ally.frames.length;
      ally.send({ type: "user_message", message });
      await ally.waitFor("agent_processing_end", from);
    }
    expect(ally.frames.some((f) => f.type === "error")).toBe(true);
    expect(metricValue(await scrape(), "learnforge_open_sockets", { endpoint: "ally" })).toBe(1);
    ally.close();
    await ally.closed;

    const refused = new TestSocket(`${server.ws}/api/v1/mission-ally/ws?mission_id=x&token=bad`);
    expect((await refused.closed).code).toBe(1008);

    await vi.waitFor(async () =>
      expect(metricValue(await scrape(), "learnforge_open_sockets")).toBe(0),
    );
    const m = await scrape();
    const turns = (labels: Record<string, string>) =>
      metricValue(m, "learnforge_turns_total", labels);
    expect(turns({ endpoint: "commander", agent: "polaris", outcome: "ok" })).toBe(4);
    expect(turns({ endpoint: "commander", agent: "mission_curator", outcome: "ok" })).toBe(1);
    expect(turns({ endpoint: "ally", agent: "mission_ally", outcome: "ok" })).toBe(1);
    expect(turns({ endpoint: "ally", outcome: "failed" })).toBe(1);
    expect(
      metricValue(m, "learnforge_turn_duration_seconds_count", {
        endpoint: "commander",
        agent: "polaris",
      }),
    ).toBe(4);
    expect(
      metricValue(m, "learnforge_turn_duration_seconds_bucket", {
        endpoint: "commander",
        agent: "polaris",
        le: "+Inf",
      }),
    ).toBe(4);

    // Polaris asked four questions and confirmed; the curator wrote the mission.
    expect(metricValue(m, "learnforge_model_calls_total", { agent: "polaris" })).toBeGreaterThan(4);
    expect(metricValue(m, "learnforge_model_calls_total", { agent: "mission_curator" })).toBe(1);
    for (const direction of ["input", "output"]) {
      expect(
        metricValue(m, "learnforge_model_tokens_total", { agent: "polaris", direction }),
      ).toBeGreaterThan(0);
    }

    const errors = (kind: string) => metricValue(m, "learnforge_errors_total", { kind });
    expect(errors("invalid_frame")).toBe(1);
    expect(errors("turn_failed")).toBe(1);
    expect(errors("socket_refused")).toBe(1);
    expect(errors("socket_fault")).toBe(0);
    expect(errors("http_internal")).toBe(0);

    const storeCalls = (labels: Record<string, string>) =>
      metricValue(m, "learnforge_store_call_duration_seconds_count", labels);
    expect(storeCalls({ port: "checkpointer", method: "getTuple", outcome: "ok" })).toBeGreaterThan(
      0,
    );
    expect(storeCalls({ port: "missions", method: "createWithEnrollment" })).toBe(2);
    expect(storeCalls({ port: "users", method: "ensure", outcome: "ok" })).toBeGreaterThan(0);
    // Process metrics come along.
    expect(m.some((s) => s.name === "nodejs_eventloop_lag_seconds")).toBe(true);
  });

  it("times failed store calls and counts answers of 500", async () => {
    server = await startTestServer();
    const { token } = await server.login("ada@example.com", "Ada");
    await server.store.close();
    const res = await fetch(`${server.http}/api/v1/user/profile`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(500);
    const m = await scrape();
    expect(metricValue(m, "learnforge_errors_total", { kind: "http_internal" })).toBe(1);
    expect(
      metricValue(m, "learnforge_store_call_duration_seconds_count", {
        port: "users",
        method: "ensure",
        outcome: "failed",
      }),
    ).toBe(1);
  });

  it("requires METRICS_TOKEN as a bearer token when it is set", async () => {
    const secret = "a-metrics-token-for-tests";
    server = await startTestServer({ env: { METRICS_TOKEN: secret } });
    const status = async (headers: Record<string, string>) =>
      (await fetch(`${server.http}/metrics`, { headers })).status;
    expect(await status({})).toBe(401);
    expect(await status({ Authorization: "Bearer wrong-token-of-some-length" })).toBe(401);
    expect(await status({ Authorization: secret })).toBe(401);
    expect(await status({ Authorization: `Bearer ${secret}` })).toBe(200);
    for (const line of server.logLines) expect(line).not.toContain(secret);
  });

  it("without a token, serves clients on this machine over IPv4 and IPv6", async () => {
    server = await startTestServer({ env: { HOST: "::" } });
    for (const host of ["127.0.0.1", "[::1]"]) {
      const res = await fetch(`http://${host}:${server.port}/metrics`);
      expect(res.status, host).toBe(200);
    }
  });

  it("without a token, refuses clients on other machines", async () => {
    const route = metricsRoute(new ServerMetrics(), undefined);
    const from = (remoteAddress: string) =>
      Promise.resolve(route({ remoteAddress, headers: { authorization: "" } } as RequestInfo));
    for (const address of [
      "127.0.0.1",
      "0000:0000:0000:0000:0000:0000:0000:0001",
      "0000:0000:0000:0000:0000:ffff:7f00:0001",
    ]) {
      await expect(from(address), address).resolves.toMatchObject({ status: 200 });
    }
    for (const address of [
      "10.1.2.3",
      "192.168.0.127",
      "0000:0000:0000:0000:0000:ffff:0a01:0203",
      "2001:0db8:0000:0000:0000:0000:0000:0001",
      "0000:0000:0000:0000:0000:0000:0000:0000",
    ]) {
      await expect(from(address), address).rejects.toMatchObject({ status: 403 });
    }
  });
});
