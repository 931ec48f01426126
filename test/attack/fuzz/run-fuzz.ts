import net from "node:net";
import { GIT_MISSION } from "../../support/missions.js";
import { SEED_INTERVIEW } from "../../support/seed-interview.js";
import { TestSocket } from "../../support/ws-client.js";
import { HTTP_GENERATORS, type HttpInput } from "./http-inputs.js";
import { Random } from "./random.js";
import { RawHttp, type RawOutcome } from "./raw-http.js";
import {
  frameInput,
  upgradeInput,
  type Endpoint,
  type FrameInput,
  type UpgradeInput,
} from "./socket-inputs.js";
import type { World } from "./world.js";

export interface FuzzOptions {
  world: World;
  inputs: number;
  seed: number;
  maxFrameBytes: number;
  /** Probe /health after this many inputs. */
  healthEvery?: number;
  /** Walk a whole Commander conversation after this many inputs (and at the end). */
  conversationEvery?: number;
  onProgress?: (tried: number) => void;
}

export interface FuzzFailure {
  input: number;
  category: string;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  tried: number;
  seconds: number;
  /** For each category of input, how many met each outcome. */
  outcomes: Record<string, Record<string, number>>;
  failures: FuzzFailure[];
  /** /health latencies, in ms, probed between inputs. */
  health: number[];
  /** Whole conversations completed between inputs. */
  conversations: number;
}

const ANSWER_MS = 5_000;

/** True when a ping sent now is answered with pong. */
async function alive(socket: TestSocket): Promise<boolean> {
  const pongs = () => socket.frames.filter((f) => f.type === "pong").length;
  const before = pongs();
  socket.send({ type: "ping" });
  const answered = await socket.waitUntil(
    () => pongs() > before || socket.closeCode !== undefined,
    ANSWER_MS,
  );
  return answered && socket.closeCode === undefined;
}

const closeOf = (socket: TestSocket) =>
  socket.closeCode === undefined
    ? undefined
    : { code: socket.closeCode, reason: socket.closeReason };

async function freshConversation(world: World, endpoint: Endpoint): Promise<void> {
  if (endpoint === "commander") {
    world.ada.sessionId = await world.server.createSession(world.ada.token);
    return;
  }
  const res = await fetch(`${world.server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${world.ada.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(GIT_MISSION),
  });
  world.ada.missionId = ((await res.json()) as { mission: { id: string } }).mission.id;
}

const PATHS: Record<Endpoint, (world: World) => string> = {
  commander: (w) =>
    `/api/v1/mission-commander/ws?session_id=${w.ada.sessionId}&token=${w.ada.token}`,
  ally: (w) => `/api/v1/mission-ally/ws?mission_id=${w.ada.missionId}&token=${w.ada.token}`,
};

/**
 * Throws `inputs` generated attacks at a running server, each checked against what it may get,
 * with /health probed and a whole conversation walked between them. Resolves with what happened.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { world } = options;
  const rng = new Random(options.seed);
  const http = new RawHttp(world.port);
  const started = performance.now();
  const report: FuzzReport = {
    seed: options.seed,
    tried: 0,
    seconds: 0,
    outcomes: {},
    failures: [],
    health: [],
    conversations: 0,
  };
  const sockets: Partial<Record<Endpoint, TestSocket>> = {};

  const count = (category: string, outcome: string) => {
    const byOutcome = (report.outcomes[category] ??= {});
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
  };
  const fail = (category: string, detail: string) => {
    if (report.failures.length < 50)
      report.failures.push({ input: report.tried, category, detail });
  };

  /**
   * Ada's socket on the endpoint, opened again if an input closed it. Should the fuzzer's messages
   * ever finish her interview or mission, she starts another.
   */
  async function socketFor(endpoint: Endpoint): Promise<TestSocket> {
    const open = sockets[endpoint];
    if (open && open.closeCode === undefined) return open;
    if (open?.frames.some((f) => f.type === "mission_created" || f.type === "session_closed")) {
      await freshConversation(world, endpoint);
    }
    const socket = new TestSocket(world.server.ws + PATHS[endpoint](world));
    await socket.waitUntil(() => socket.closeCode !== undefined || socket.frames.length > 1, 300);
    if (socket.frames[0]?.type !== "connected" || socket.closeCode !== undefined) {
      throw new Error(`Ada's ${endpoint} socket did not open: ${JSON.stringify(socket.frames)}`);
    }
    sockets[endpoint] = socket;
    return socket;
  }

  async function httpInput(input: HttpInput) {
    const outcome: RawOutcome = await http.send(
      input.request,
      input.method,
      input.expect.mayDrop ? 300 : ANSWER_MS,
    );
    if ("dropped" in outcome) {
      count(input.category, `dropped (${outcome.dropped})`);
      if (!input.expect.mayDrop)
        fail(input.category, `no answer to ${input.request.subarray(0, 120).toString()}`);
      return;
    }
    count(input.category, String(outcome.status));
    const line = `${input.request.subarray(0, 160).toString("latin1")} → ${outcome.status} ${outcome.body.subarray(0, 200).toString()}`;
    if (outcome.status >= 500) fail(input.category, line);
    else if (input.expect.never2xx && outcome.status < 300)
      fail(input.category, `accepted: ${line}`);
    else if (input.expect.statuses && !input.expect.statuses.includes(outcome.status)) {
      fail(input.category, `unexpected status: ${line}`);
    }
  }

  async function rawBytes(input: HttpInput) {
    // Garbage goes over a connection of its own, closed behind it; later inputs and the health
    // probes show whether the server took it in its stride.
    await new Promise<void>((resolve) => {
      const socket = net.connect(world.port, "127.0.0.1", () => socket.end(input.request));
      const done = () => {
        socket.destroy();
        resolve();
      };
      socket.on("error", done);
      socket.on("close", done);
      setTimeout(done, 20);
    });
    count(input.category, "sent");
  }

  async function frame(input: FrameInput) {
    const socket = await socketFor(input.endpoint);
    socket.sendRaw(input.data, { binary: input.binary });
    if (input.drops) {
      const closed = await socket.waitUntil(() => socket.closeCode !== undefined, ANSWER_MS);
      count(input.category, closed ? `closed ${socket.closeCode}` : "still open");
      if (!closed) fail(input.category, `a ${input.data.length}-byte frame left the socket open`);
      return;
    }
    if (await alive(socket)) {
      count(input.category, "answered");
      return;
    }
    const close = closeOf(socket);
    const finished = close?.code === 1000 && /Mission (created|completed)/.test(close.reason);
    count(input.category, close ? `closed ${close.code}` : "no pong");
    if (!finished) {
      fail(
        input.category,
        `socket ${close ? `closed ${close.code} ${close.reason}` : "stopped answering"} after ${String(input.data).slice(0, 120)}`,
      );
    }
  }

  async function upgrade(input: UpgradeInput) {
    const socket = new TestSocket(world.server.ws + input.path, {
      headers: input.headers,
      origin: input.origin,
    });
    const closed = await socket.waitUntil(() => socket.closeCode !== undefined, ANSWER_MS);
    const connected = socket.frames.some((f) => f.type === "connected");
    count(input.category, connected ? "connected" : closed ? `closed ${socket.closeCode}` : "open");
    if (connected || !closed || socket.closeCode !== 1008) {
      fail(
        input.category,
        `${input.path.slice(0, 120)} → ${JSON.stringify(socket.frames).slice(0, 200)} ${JSON.stringify(closeOf(socket))}`,
      );
    }
    socket.terminate();
  }

  async function probeHealth() {
    const startedAt = performance.now();
    try {
      const res = await fetch(`${world.server.http}/health`);
      await res.text();
      if (res.status !== 200) fail("health", `/health answered ${res.status}`);
    } catch (err) {
      fail("health", `/health failed: ${String(err)}`);
    }
    report.health.push(performance.now() - startedAt);
  }

  async function conversation() {
    const email = `check-${report.conversations}-${options.seed}@example.com`;
    const token = await world.server.login(email);
    const sessionId = await world.server.createSession(token);
    const socket = new TestSocket(
      `${world.server.ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${token}`,
    );
    await socket.waitUntil(() => socket.frames.length > 0, ANSWER_MS);
    for (const content of SEED_INTERVIEW) {
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      await socket.waitUntil(
        () => socket.frames.length > from || socket.closeCode !== undefined,
        15_000,
      );
    }
    const created = socket.frames.some((f) => f.type === "mission_created");
    if (!created)
      fail("conversation", `the seed interview ended with ${JSON.stringify(socket.frames.at(-1))}`);
    else report.conversations += 1;
    socket.terminate();
  }

  const httpKinds = Object.entries(HTTP_GENERATORS);
  const healthEvery = options.healthEvery ?? 100;
  const conversationEvery = options.conversationEvery ?? 5_000;
  try {
    for (; report.tried < options.inputs; report.tried++) {
      const roll = rng.next();
      if (roll < 0.25) await frame(frameInput(world, rng, options.maxFrameBytes));
      else if (roll < 0.29) await upgrade(upgradeInput(world, rng));
      else {
        const [name, generate] = rng.pick(httpKinds);
        const input = generate(world, rng);
        await (name === "raw bytes" ? rawBytes(input) : httpInput(input));
      }
      if (world.server.proc.child.exitCode !== null) {
        fail("process", `the server exited with ${world.server.proc.child.exitCode}`);
        break;
      }
      if ((report.tried + 1) % healthEvery === 0) await probeHealth();
      if ((report.tried + 1) % conversationEvery === 0) await conversation();
      if ((report.tried + 1) % 1000 === 0) options.onProgress?.(report.tried + 1);
    }
    await probeHealth();
    await conversation();
  } finally {
    http.close();
    for (const socket of Object.values(sockets)) socket?.terminate();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
