import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { testStoreEnv, type TestStoreEnv } from "../support/test-store.js";
import type { AllyClient } from "../../client/index.js";
import { allyClient, commanderClient, whenClosed } from "../support/learner-clients.js";
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
    const before = commanderClient(`http://${base(proc)}`, token);
    await before.ask(SEED_INTERVIEW[0]!);
    await before.ask(SEED_INTERVIEW[1]!);
    const sessionId = before.sessionId!;
    proc.child.kill("SIGTERM");
    await proc.exited;
    expect((await whenClosed(before)).kind).toBe("going_away");

    proc = await start();
    token = await login(proc);
    const after = commanderClient(`http://${base(proc)}`, token, { sessionId });
    await after.connect();
    expect(after.messages.map((m) => m.text)).toEqual(before.messages.map((m) => m.text));
    expect(after.messages).toHaveLength(4);
    let reply;
    for (const content of SEED_INTERVIEW.slice(2)) reply = (await after.ask(content)).reply;
    expect(reply?.type).toBe("mission_created");
    await whenClosed(after);
    proc.child.kill("SIGTERM");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    const socket = new TestSocket(
      `ws://${base(proc)}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${token}`,
    );
    expect((await socket.closed).code).toBe(1000);
    expect(socket.frames.map((f) => f.type)).toEqual([
      "connected",
      "historical_messages",
      "mission_created",
    ]);
    expect(socket.frames[2]).toEqual(reply);
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
    const before = allyClient(`http://${base(proc)}`, token, mission.id);
    await before.ask("Hello!");
    await before.ask("Yes, that sounds great!");
    proc.child.kill("SIGTERM");
    await proc.exited;

    proc = await start();
    token = await login(proc);
    const after = allyClient(`http://${base(proc)}`, token, mission.id);
    await after.connect();
    const lines = (client: AllyClient) => client.messages.map(({ role, text }) => ({ role, text }));
    expect(lines(after)).toEqual(lines(before));
    expect(lines(after).filter((m) => m.role === "user")).toEqual([
      { role: "user", text: "Hello!" },
      { role: "user", text: "Yes, that sounds great!" },
    ]);
    const turn = await after.ask("It is a snapshot of my work.");
    expect(turn.messages[0]?.agent).toBe("mission_sensei");
  });
});
