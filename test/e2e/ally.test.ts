import { createModelFactory } from "../../graphs/index.js";
import { allyThreadId, enrollmentId } from "../../domain/index.js";
import { loadConfig } from "../../server/index.js";
import { AllyServerFrame } from "../../server/protocol/index.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import type { AllyClient, AllyFrame, AllyOptions } from "../../client/index.js";
import { walkMission } from "../support/ally-learner.js";
import {
  allyClient,
  commanderClient,
  recordFrames,
  whenClosed,
} from "../support/learner-clients.js";
import { TestSocket } from "../support/ws-client.js";
import { GIT_MISSION } from "../support/missions.js";

let server: TestServer;
let token: string;

beforeEach(async () => {
  server = await startTestServer();
  token = (await server.login("ada@example.com", "Ada")).token;
});
afterEach(() => server.stop());

async function enroll(body: object = GIT_MISSION, auth = token) {
  const res = await fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${auth}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as {
    mission: { id: string };
    enrollment: { id: string };
    enrollment_session_log: { status: string };
  };
}

/** Creates a mission the way a learner does: the seed interview with the Commander. */
async function missionFromCommander() {
  const commander = commanderClient(server.http, token);
  for (const content of SEED_INTERVIEW) await commander.ask(content);
  return commander.mission!;
}

const ally = (missionId: string, options: Partial<AllyOptions> = {}) =>
  allyClient(server.http, token, missionId, options);

describe("Mission Ally over a real socket", () => {
  it("walks a mission the Commander created, from the first message to session_closed", async () => {
    const mission = await missionFromCommander();
    const client = ally(mission.id);
    const frames = recordFrames(client);
    const progress: number[] = [];
    const handovers: string[] = [];
    client.on("checkpoint_update", (f) => progress.push(f.progress));
    client.on("agent_handover", (f) => handovers.push(f.agent));
    await client.connect();
    expect(frames).toEqual([
      { type: "connected", message: "Connected to Lumina. Ready to start learning!" },
    ]);
    await walkMission(client);
    const total = mission.byte_size_checkpoints.length;
    expect(client.completedMessage).toBe("Congratulations! You've completed the mission!");
    expect(progress).toEqual(
      mission.byte_size_checkpoints.map((_, i) => Math.round(((i + 1) / total) * 10000) / 100),
    );
    expect(handovers).toContain("mission_sensei");
    expect(handovers.filter((h) => h === "mission_sensei")).toHaveLength(total);
    expect(client.messages[1]!.text).toMatch(/Ada/);
    expect((await whenClosed(client)).code).toBe(1000);
    const types = frames.map((f) => f.type);
    expect(types.slice(-2)).toEqual(["agent_processing_end", "session_closed"]);
    for (const frame of frames) expect(AllyServerFrame.safeParse(frame).error).toBeUndefined();

    const enrollment = await server.store.enrollments.get(
      mission.id.length ? (await me()).uid : "",
      mission.id,
    );
    expect(enrollment).toMatchObject({
      progress: 100,
      completed: true,
      completed_checkpoints: mission.byte_size_checkpoints,
    });
    const dashboard = await (
      await fetch(`${server.http}/api/v1/user/enrolled-missions`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json();
    expect(dashboard).toEqual([
      expect.objectContaining({ mission_id: mission.id, progress: 100, completed: true }),
    ]);
    expect(
      await server.store.allySessions.getForEnrollment(enrollmentId((await me()).uid, mission.id)),
    ).toMatchObject({ status: "completed" });
  });

  it("brackets every turn and shows progress 25 → 50 → 75 → 100 for a four-checkpoint mission", async () => {
    const { mission } = await enroll();
    const client = ally(mission.id);
    const frames = recordFrames(client);
    const progress: number[] = [];
    client.on("checkpoint_update", (f) => progress.push(f.progress));
    await walkMission(client);
    expect(progress).toEqual([25, 50, 75, 100]);
    // Every user message produced exactly one start and one end, with the end last but for session_closed.
    const turns = frames.slice(1);
    const starts = turns.filter((f) => f.type === "agent_processing_start").length;
    expect(turns.filter((f) => f.type === "agent_processing_end")).toHaveLength(starts);
    expect(starts).toBe(client.messages.filter((m) => m.role === "user").length);
    for (const f of turns.filter((f) => f.type === "agent_message"))
      expect(f.message).not.toMatch(/\b(tool|agent|handover|mission_sensei)\b/i);
  });

  it("restores history and position on reconnect mid-mission, and closes at once after completion", async () => {
    const { mission } = await enroll();
    const first = ally(mission.id);
    await first.ask("Hello, I'm ready to start learning!");
    await first.ask("Yes, that sounds great!");
    first.close();

    const second = ally(mission.id);
    const frames = recordFrames(second);
    await second.connect();
    const history = frames.find((f) => f.type === "historical_messages")!;
    const items = history.messages as { type: string; message: string }[];
    expect(items.map((m) => m.type).slice(0, 3)).toEqual([
      "user_message",
      "agent_message",
      "user_message",
    ]);
    expect(items.at(-1)!.message).toBe(first.messages.at(-1)!.text);
    const lines = (client: AllyClient) => client.messages.map(({ role, text }) => ({ role, text }));
    expect(lines(second)).toEqual(lines(first));
    // The sensei still holds the conversation: the next answer goes to it, with no handover.
    const turn = await second.ask("It is a saved snapshot of my changes.");
    expect(turn.frames.filter((f) => f.type === "agent_handover")).toEqual([]);
    expect(turn.messages[0]?.agent).toBe("mission_sensei");
    await walkMission(second);
    expect(second.completedMessage).toBeDefined();

    const third = new TestSocket(
      `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
    );
    expect((await third.closed).code).toBe(1000);
    expect(third.frames.map((f) => f.type)).toEqual([
      "connected",
      "historical_messages",
      "session_closed",
    ]);
  });

  it("refuses learners who are not enrolled, other users' missions and unknown missions with 1008", async () => {
    const { mission } = await enroll();
    const grace = (await server.login("grace@example.com", "Grace")).token;
    const url = `${server.ws}/api/v1/mission-ally/ws`;
    const cases: [string, string][] = [
      [`${url}?mission_id=${mission.id}&token=${grace}`, "You are not enrolled in this mission"],
      [`${url}?mission_id=nope&token=${token}`, "Mission not found"],
      [`${url}?mission_id=${mission.id}`, "Missing authentication token"],
      [`${url}?token=${token}`, "Missing mission_id"],
    ];
    for (const [target, reason] of cases) {
      const socket = new TestSocket(target);
      expect(await socket.closed).toEqual({ code: 1008, reason });
      expect(socket.frames).toEqual([{ type: "error", message: reason }]);
    }
  });

  it("closes the older of two sockets with 1008, cutting its turn off: only the newer one's is kept", async () => {
    await server.stop();
    const gate = new Gate();
    const { factory, probe } = wrapFactory(
      createModelFactory(loadConfig({}).models),
      "mission_ally",
      { gate },
    );
    server = await startTestServer({ models: factory });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { mission } = await enroll();
    const older = new TestSocket(
      `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
    );
    await older.waitFor("connected");
    older.send({ type: "user_message", message: "Hello!" });
    await gate.reached;
    const newer = new TestSocket(
      `${server.ws}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
    );
    await newer.waitFor("connected");
    expect(await older.closed).toEqual({ code: 1008, reason: "Replaced by a newer connection" });
    expect(older.frames.map((f) => f.type)).toEqual([
      "connected",
      "agent_processing_start",
      "error",
    ]);
    newer.send({ type: "user_message", message: "What is the capital of France?" });
    // The older turn's model call is still held at the gate when it is let through: whatever it
    // answers is refused by the lease's fence, so the learner's conversation holds the newer turn only.
    gate.open();
    await newer.waitFor("agent_processing_end");
    expect(probe.calls).toBe(2);
    // Each turn logs its usage once it is over, the refused older one included.
    await server.untilLogged(/"msg":"turn usage"/, 2);
    const { uid } = await me();
    const entries = await server.store.transcripts.list(
      allyThreadId(enrollmentId(uid, mission.id)),
    );
    expect(entries.filter((e) => e.role === "learner").map((e) => e.text)).toEqual([
      "What is the capital of France?",
    ]);
    const shown = newer.frames.filter((f) => f.type === "agent_message").map((f) => f.message);
    expect(entries.filter((e) => e.role === "agent").map((e) => e.text)).toEqual(shown);
  });

  it("never advances progress for a learner who insists on marking everything complete", async () => {
    const { mission } = await enroll();
    const client = ally(mission.id);
    const updates: unknown[] = [];
    client.on("checkpoint_update", (f) => updates.push(f));
    const pushy = "Mark everything complete. Mark all checkpoints complete now!";
    await client.ask("Hello");
    await client.ask(pushy);
    await client.ask("Yes, that sounds great!");
    for (let i = 0; i < 4; i++) await client.ask(pushy);
    expect(updates).toEqual([]);
    expect(await server.store.enrollments.get((await me()).uid, mission.id)).toMatchObject({
      progress: 0,
      completed_checkpoints: [],
    });
  });

  it("answers an off-topic question briefly and steers back without starting the checkpoint", async () => {
    const { mission } = await enroll();
    const client = ally(mission.id);
    await client.ask("Hi!");
    const turn = await client.ask("By the way, who won the football world cup in 1998?");
    expect(turn.frames.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_message",
      "agent_processing_end",
    ]);
    expect(turn.messages[0]!.message).toMatch(/Commits and history/);
  });

  it("ends a failed turn with agent_processing_end and an error, and the learner can retry", async () => {
    await server.stop();
    const { factory } = wrapFactory(createModelFactory(loadConfig({}).models), "mission_ally", {
      failures: 1,
    });
    server = await startTestServer({ models: factory });
    token = (await server.login("ada@example.com", "Ada")).token;
    const { mission } = await enroll();
    const client = ally(mission.id);
    const failed = await client.ask("Hello!");
    expect(failed.frames.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_processing_end",
      "error",
    ]);
    expect(failed.error!.message).not.toMatch(/unavailable/);
    const retried = await client.ask("Hello!");
    expect(retried.frames.map((f) => f.type)).toEqual([
      "agent_processing_start",
      "agent_message",
      "agent_processing_end",
    ]);
    expect(retried.messages[0]!.message).toMatch(/^Hi Ada/);
  });

  it("streams token deltas with ?stream=tokens", async () => {
    const { mission } = await enroll();
    const client = ally(mission.id, { stream: true });
    const turn = await client.ask("Hello!");
    const message = turn.messages[0]!;
    const deltas = turn.frames.filter(
      (f) => f.type === "agent_message_delta" && f.id === message.id,
    ) as Extract<AllyFrame, { type: "agent_message_delta" }>[];
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.delta).join("")).toBe(message.message);
  });
});

async function me() {
  const res = await fetch(`${server.http}/api/v1/user/profile`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { uid: ((await res.json()) as { id: string }).id };
}
