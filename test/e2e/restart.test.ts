import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { testStoreEnv, type TestStoreEnv } from "../support/test-store.js";
import { TestSocket } from "../support/ws-client.js";
import { GIT_MISSION } from "../support/missions.js";

let dataDir: string;
let store: TestStoreEnv;
let proc: ServerProcess | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "learnforge-restart-"));
  store = await testStoreEnv();
});
afterEach(async () => {
  proc?.child.kill("SIGKILL");
  proc = undefined;
  await store.drop();
});

/** The server as `npm start` runs it, on this test's data folder and store. */
const start = () => startServerProcess({ DATA_DIR: dataDir, ...store.env });

const base = (p: ServerProcess) => `127.0.0.1:${p.port}`;

async function login(p: ServerProcess) {
  const res = await fetch(`http://${base(p)}/api/v1/auth/dev-login`, {
    method: "POST",
    body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function say(socket: TestSocket, content: string) {
  const from = socket.frames.length;
  socket.send({ type: "user_message", content });
  return (await socket.waitForFrames(from + 1))[from]!;
}

describe("the server process", () => {
  it("drains on SIGTERM: closes sockets with 1001 and exits 0", async () => {
    proc = await start();
    const token = await login(proc);
    const res = await fetch(`http://${base(proc)}/api/v1/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    const { session_id } = (await res.json()) as { session_id: string };
    const socket = new TestSocket(
      `ws://${base(proc)}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`,
    );
    await socket.waitFor("connected");
    proc.child.kill("SIGTERM");
    expect(await socket.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(await proc.exited).toBe(0);
  });

  it("keeps the conversation, the mission and the enrollment across a restart", async () => {
    proc = await start();
    let token = await login(proc);
    const res = await fetch(`http://${base(proc)}/api/v1/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    const { session_id } = (await res.json()) as { session_id: string };
    const url = () =>
      `ws://${base(proc!)}/api/v1/mission-commander/ws?session_id=${session_id}&token=${token}`;

    let socket = new TestSocket(url());
    await socket.waitFor("connected");
    await say(socket, SEED_INTERVIEW[0]!);
    await say(socket, SEED_INTERVIEW[1]!);
    proc.child.kill("SIGTERM");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    socket = new TestSocket(url());
    const history = await socket.waitFor("historical_messages");
    expect((history.messages as unknown[]).length).toBe(4);
    for (const content of SEED_INTERVIEW.slice(2)) await say(socket, content);
    const created = socket.frames.at(-1)!;
    expect(created.type).toBe("mission_created");
    await socket.closed;
    proc.child.kill("SIGTERM");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    socket = new TestSocket(url());
    expect((await socket.closed).code).toBe(1000);
    expect(socket.frames.map((f) => f.type)).toEqual([
      "connected",
      "historical_messages",
      "mission_created",
    ]);
    expect(socket.frames[2]).toEqual(created);
    expect((socket.frames[1]!.messages as unknown[]).length).toBe(9);
  });

  it("gives an Ally learner the same conversation and position back after a restart", async () => {
    proc = await start();
    let token = await login(proc);
    const res = await fetch(`http://${base(proc)}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(GIT_MISSION),
    });
    const { mission } = (await res.json()) as { mission: { id: string } };
    const url = () =>
      `ws://${base(proc!)}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`;
    const turn = async (socket: TestSocket, message: string) => {
      const from = socket.frames.length;
      socket.send({ type: "user_message", message });
      await socket.waitFor("agent_processing_end", from);
    };

    let socket = new TestSocket(url());
    await socket.waitFor("connected");
    await turn(socket, "Hello!");
    await turn(socket, "Yes, that sounds great!");
    const before = socket.frames.filter((f) => f.type === "agent_message").map((f) => f.message);
    proc.child.kill("SIGTERM");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    socket = new TestSocket(url());
    const history = await socket.waitFor("historical_messages");
    const items = history.messages as { type: string; message: string }[];
    expect(items.filter((m) => m.type === "agent_message").map((m) => m.message)).toEqual(before);
    expect(items.filter((m) => m.type === "user_message").map((m) => m.message)).toEqual([
      "Hello!",
      "Yes, that sounds great!",
    ]);
    const from = socket.frames.length;
    await turn(socket, "It is a snapshot of my work.");
    const reply = socket.frames.slice(from).find((f) => f.type === "agent_message");
    expect(reply?.agent).toBe("mission_sensei");
  });
});
