import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commanderThreadId } from "../../domain/index.js";
import { LangSmithStandIn, type TracedRun } from "../support/langsmith-stand-in.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import {
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from "../support/server-process.js";
import { interview, signIn } from "../support/whole-mission.js";

const API_KEY = "lsv2-test-key-0123456789";
const PROJECT = "learnforge-e2e";

let standIn: LangSmithStandIn;
let dataDir: string;
let server: ServerProcess | undefined;

beforeEach(async () => {
  standIn = await LangSmithStandIn.start();
  dataDir = mkdtempSync(join(tmpdir(), "learnforge-tracing-"));
});
afterEach(async () => {
  await stopServerProcess(server);
  server = undefined;
  await standIn.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  server = await startServerProcess({
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    LANGSMITH_ENDPOINT: standIn.url,
    LANGSMITH_API_KEY: API_KEY,
    LANGSMITH_PROJECT: PROJECT,
    ...env,
  });
  return `127.0.0.1:${server.port}`;
}

/** Signs in, opens a Commander session and answers its first `turns` questions. */
async function converse(host: string, turns: number) {
  const token = await signIn(host);
  const { sessionId, frames } = await interview(host, token, SEED_INTERVIEW.slice(0, turns));
  expect(frames.map((f) => f.type)).toEqual(["connected", ...Array(turns).fill("agent_message")]);
  return { token, threadId: commanderThreadId(sessionId) };
}

const rootRuns = (): TracedRun[] => [...standIn.runs.values()].filter((r) => !r.parent_run_id);

describe("LangSmith tracing", () => {
  it("traces each turn, with the thread id as metadata, to the configured endpoint and project", async () => {
    const host = await start({ LANGSMITH_TRACING: "true" });
    const { token, threadId } = await converse(host, 2);
    // Stopping the server sends the traces still queued.
    server!.child.kill("SIGTERM");
    expect(await server!.exited).toBe(0);

    const turns = rootRuns().filter((r) => r.extra?.metadata?.thread_id === threadId);
    expect(turns).toHaveLength(2);
    for (const turn of turns) {
      expect(turn.session_name).toBe(PROJECT);
      expect(turn.end_time).toBeTruthy();
    }
    const inputs = JSON.stringify(turns.map((t) => t.inputs));
    expect(inputs).toContain(SEED_INTERVIEW[0]);
    expect(inputs).toContain(SEED_INTERVIEW[1]);
    // Every run of the turn (nodes, model calls, tools) belongs to a turn's trace.
    const traces = new Set(turns.map((t) => t.trace_id ?? t.id));
    expect([...standIn.runs.values()].every((r) => traces.has(r.trace_id ?? r.id))).toBe(true);
    expect(standIn.runs.size).toBeGreaterThan(turns.length);

    const posts = standIn.requests.filter((r) => r.method !== "GET");
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((r) => r.apiKey === API_KEY)).toBe(true);
    expect(standIn.bodies.join("")).not.toContain(token);
    expect(server!.output.join("")).not.toContain(API_KEY);
  });

  it("sends nothing, and adds no tracer, when tracing is off", async () => {
    const host = await start({ LANGSMITH_TRACING: "false" });
    await converse(host, 2);
    server!.child.kill("SIGTERM");
    await server!.exited;
    expect(standIn.requests).toEqual([]);
  });

  it("refuses to start with tracing on and no API key", async () => {
    await expect(start({ LANGSMITH_TRACING: "true", LANGSMITH_API_KEY: "" })).rejects.toThrow(
      /LANGSMITH_API_KEY: LANGSMITH_TRACING=true needs LANGSMITH_API_KEY/,
    );
  });
});
