import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GIT_MISSION } from "../support/missions.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import {
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from "../support/server-process.js";
import { testStoreEnv, type TestStoreEnv } from "../support/test-store.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

/** The server with every model call slowed, so that a kill or a shutdown lands inside a turn. */
const SLOW_SERVER = { args: ["--import", "tsx", "test/soak/slow-server.ts"] };

let dataDir: string;
let store: TestStoreEnv;
let proc: ServerProcess | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "learnforge-crash-"));
  store = await testStoreEnv();
});
afterEach(async () => {
  // A graceful stop: a kill here could land inside a transaction and lock the test's documents.
  await stopServerProcess(proc);
  proc = undefined;
  await store.drop();
});

const start = (env: Record<string, string> = {}, command = {}) =>
  startServerProcess({ DATA_DIR: dataDir, ...store.env, ...env }, command);

const http = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;

async function login(p: ServerProcess): Promise<string> {
  const res = await fetch(`${http(p)}/api/v1/auth/dev-login`, {
    method: "POST",
    body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
  });
  return ((await res.json()) as { token: string }).token;
}

function history(socket: TestSocket): string[] {
  const frame = socket.frames.find((f) => f.type === "historical_messages");
  return ((frame?.messages ?? []) as { message: string }[]).map((m) => m.message);
}

const count = (lines: string[], line: string) => lines.filter((l) => l === line).length;

describe("a server that dies mid-turn", () => {
  it("loses no reply the learner saw when killed before the turn's checkpoint", async () => {
    proc = await start({ MODEL_DELAY_MS: "400-400" }, SLOW_SERVER);
    let token = await login(proc);
    const res = await fetch(`${http(proc)}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(GIT_MISSION),
    });
    const { mission } = (await res.json()) as { mission: { id: string } };
    const url = () =>
      `ws://127.0.0.1:${proc!.port}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`;
    let socket = new TestSocket(url());
    await socket.waitFor("connected");
    socket.send({ type: "user_message", message: "Hello!" });
    await socket.waitFor("agent_processing_end");

    // Lumina answers at once and hands over; the sensei is still thinking when the server dies.
    const from = socket.frames.length;
    socket.send({ type: "user_message", message: "Yes, that sounds great!" });
    const seen = await socket.waitFor("agent_message", from);
    proc.child.kill("SIGKILL");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    socket = new TestSocket(url());
    await socket.waitFor("historical_messages");
    const lines = history(socket);
    expect(lines.slice(2)).toEqual(["Yes, that sounds great!", seen.message]);

    // The next turn goes on from what the learner saw, and repeats none of it.
    const next = socket.frames.length;
    socket.send({ type: "user_message", message: "Yes, let's start." });
    await socket.waitFor("agent_processing_end", next);
    expect(socket.frames.slice(next).some((f: Frame) => f.type === "agent_message")).toBe(true);
    socket.close();
    socket = new TestSocket(url());
    await socket.waitFor("historical_messages");
    const after = history(socket);
    expect(count(after, "Yes, that sounds great!")).toBe(1);
    expect(count(after, String(seen.message))).toBeLessThanOrEqual(2);
    expect(after.slice(0, 4)).toEqual(lines);
    expect(after[4]).toBe("Yes, let's start.");
  }, 60_000);

  it("rolls an aborted confirmation back on SIGTERM, so sending it again creates the mission", async () => {
    proc = await start({ MODEL_DELAY_MS: "500-500", SHUTDOWN_GRACE_MS: "100" }, SLOW_SERVER);
    let token = await login(proc);
    const res = await fetch(`${http(proc)}/api/v1/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    const { session_id } = (await res.json()) as { session_id: string };
    const url = (query = "") =>
      `ws://127.0.0.1:${proc!.port}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}${query}`;
    // Turns are bracketed, so the test knows when the confirmation has reached the model.
    let socket = new TestSocket(url("&events=all"));
    await socket.waitFor("connected");
    for (const content of SEED_INTERVIEW.slice(0, 4)) {
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      await socket.waitFor("agent_processing_end", from);
    }

    // The confirmation is still with the model (500 ms a call) when the grace period runs out.
    const from = socket.frames.length;
    socket.send({ type: "user_message", content: "Yes, that's correct" });
    await socket.waitFor("agent_processing_start", from);
    proc.child.kill("SIGTERM");
    expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    const answers = socket.frames.slice(from).filter((f) => !f.type.startsWith("agent_processing"));
    expect(answers.map((f) => [f.type, f.message])).toEqual([
      ["error", "Sorry, something went wrong while processing your message. Please send it again."],
    ]);
    expect(await proc.exited).toBe(0);

    proc = await start();
    token = await login(proc);
    socket = new TestSocket(url());
    await socket.waitFor("historical_messages");
    expect(history(socket)).toHaveLength(8);
    expect(count(history(socket), "Yes, that's correct")).toBe(0);
    expect((await socket.reply("Yes, that's correct")).type).toBe("mission_created");
    await socket.closed;

    socket = new TestSocket(url());
    expect((await socket.closed).code).toBe(1000);
    expect(count(history(socket), "Yes, that's correct")).toBe(1);
    expect(history(socket)).toHaveLength(9);
  }, 60_000);
});
