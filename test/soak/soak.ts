import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../server/compose.js";
import { loadConfig } from "../../server/config.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import {
  startServerProcess,
  type ServerCommand,
  type ServerProcess,
} from "../support/server-process.js";
import { leaveStaleLock } from "../support/stale-lock.js";
import { TestSocket } from "../support/ws-client.js";
import { auditStore } from "./audit.js";
import { SoakLearner, type LearnerLimits } from "./learner.js";

const SLOW_SERVER = { args: ["--import", "tsx", "test/soak/slow-server.ts"] };
/** Model calls take this long, so that kills and shutdowns land inside turns. */
const MODEL_DELAY_MS = "150-450";

export interface SoakOptions {
  /** Names the store in the results. */
  name: string;
  /** Points a server at the store: `STORE=firestore` and its emulator, or nothing for SQLite. */
  storeEnv: Record<string, string>;
  /** Kills with SIGKILL at random points in turns. */
  kills: number;
  /** Learners talking at once while the kills happen. */
  learners: number;
  /** Shutdowns with SIGTERM in the middle of turns (a grace period too short to finish them). */
  sigterms: number;
  saturation: { learners: number; seconds: number };
  /** Reproduce a lock left by a process killed inside a Firestore transaction (Firestore only). */
  staleLock?: boolean;
  /** How long the learners may take to finish after the last kill; more on Firestore, whose stale locks last about 70 s. */
  finishWithinMs: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  store: string;
  kills: number;
  sigterms: number;
  /** Turns that got an error: aborted by a shutdown, or refused while a lock was stale. */
  failedTurns: number;
  messages: number;
  lost: number;
  duplicated: number;
  partialMissions: number;
  stuck: number;
  /** Where each stuck learner got to. */
  stuckLearners: string[];
  progressMismatches: number;
  pingP99Ms: number;
  healthP99Ms: number;
  saturationLearners: number;
  staleLock?: { errorAfterMs: number; continuedAfterMs: number };
}

const LIMITS: LearnerLimits = { interviewMessages: 25, lessonMessages: 120 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

async function stop(proc: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 30_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

/**
 * Kills the server with SIGKILL at random points of the learners' turns, stops it with SIGTERM in
 * the middle of turns, lets the learners finish on a healthy server, audits the store, and then
 * saturates a fresh server while timing an idle socket's pings.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), `learnforge-soak-${options.name}-`));
  const env = { DATA_DIR: dataDir, ...options.storeEnv };
  const start = (extra: Record<string, string> = {}, command: ServerCommand = {}) =>
    startServerProcess({ ...env, ...extra }, command);
  const everyone: SoakLearner[] = [];
  let active: SoakLearner[] = [];
  const refill = () => {
    active = active.filter((l) => !l.finished && !l.stuck);
    while (active.length < options.learners) {
      const learner = new SoakLearner(
        `soak-${options.name}-${everyone.length}@example.com`,
        LIMITS,
      );
      everyone.push(learner);
      active.push(learner);
    }
  };

  /** Learners talk until the server goes away, which `end` brings about. */
  async function round(proc: ServerProcess, end: () => Promise<unknown>) {
    const http = `http://127.0.0.1:${proc.port}`;
    const ws = `ws://127.0.0.1:${proc.port}`;
    refill();
    await Promise.all(active.map((l) => l.begin(http)));
    const talking = active.map((l) => l.run(ws, () => false));
    await end();
    active.forEach((l) => l.drop());
    await Promise.all(talking);
  }

  for (let kill = 1; kill <= options.kills; kill++) {
    const proc = await start({ MODEL_DELAY_MS }, SLOW_SERVER);
    await round(proc, async () => {
      await sleep(between(300, 2_500));
      await stop(proc, "SIGKILL");
    });
    log(`${options.name}: kill ${kill}/${options.kills}`);
  }

  for (let term = 1; term <= options.sigterms; term++) {
    const proc = await start({ MODEL_DELAY_MS, SHUTDOWN_GRACE_MS: "100" }, SLOW_SERVER);
    let exit: number | null = null;
    await round(proc, async () => {
      await sleep(between(500, 2_000));
      exit = await stop(proc, "SIGTERM");
    });
    if (exit !== 0) throw new Error(`the server exited with ${exit} on SIGTERM`);
    log(`${options.name}: SIGTERM ${term}/${options.sigterms}`);
  }

  // Everyone finishes on a healthy server; whoever cannot is stuck.
  const healthy = await start();
  const deadline = Date.now() + options.finishWithinMs;
  const unfinished = () => everyone.filter((l) => !l.finished && !l.stuck);
  while (unfinished().length > 0 && Date.now() < deadline) {
    const http = `http://127.0.0.1:${healthy.port}`;
    await Promise.all(unfinished().map((l) => l.begin(http)));
    await Promise.all(
      unfinished().map((l) => l.run(`ws://127.0.0.1:${healthy.port}`, () => Date.now() > deadline)),
    );
  }
  const staleLock = options.staleLock ? await reproduceStaleLock(healthy, env) : undefined;
  await stop(healthy, "SIGTERM");
  log(`${options.name}: learners finished`);

  const store = await openStore(loadConfig(env));
  const audit = await auditStore(
    store,
    everyone.map((l) => l.uid),
  ).finally(() => store.close());

  const saturated = await saturate(start, options.saturation);
  log(`${options.name}: saturation done`);

  const records = everyone.flatMap((l) => [l.interview, l.lesson]);
  return {
    store: options.name,
    kills: options.kills,
    sigterms: options.sigterms,
    failedTurns: everyone.reduce((sum, l) => sum + l.errors, 0),
    messages: everyone.reduce((sum, l) => sum + l.sent, 0),
    lost: records.reduce((sum, r) => sum + r.lost, 0),
    duplicated: records.reduce((sum, r) => sum + r.duplicated, 0) + audit.duplicateMissions,
    partialMissions: audit.partialMissions,
    stuck: everyone.filter((l) => !l.finished).length,
    stuckLearners: everyone.filter((l) => !l.finished).map((l) => l.describe()),
    progressMismatches: audit.progressMismatches,
    pingP99Ms: saturated.ping,
    healthP99Ms: saturated.health,
    saturationLearners: options.saturation.learners,
    staleLock,
  };
}

/**
 * Learners talk as fast as the server answers while an idle learner, in a process of its own,
 * pings every 50 ms and times `/health`; returns the 99th percentiles of both round trips.
 */
async function saturate(
  start: (extra: Record<string, string>, command?: ServerCommand) => Promise<ServerProcess>,
  saturation: { learners: number; seconds: number },
): Promise<{ ping: number; health: number }> {
  const proc = await start({ MODEL_DELAY_MS }, SLOW_SERVER);
  const http = `http://127.0.0.1:${proc.port}`;
  const ws = `ws://127.0.0.1:${proc.port}`;
  const learners = Array.from(
    { length: saturation.learners },
    (_, i) => new SoakLearner(`saturate-${i}@example.com`, LIMITS),
  );
  const idle = new SoakLearner("idle@example.com", LIMITS);
  await Promise.all([...learners, idle].map((l) => l.begin(http)));
  let over = false;
  const talking = learners.map((l) => l.run(ws, () => over));
  const timed = await timeIdleLearner(
    `${ws}/api/v1/mission-commander/ws?session_id=${idle.sessionId}&token=${idle.token}`,
    `${http}/health`,
    saturation.seconds,
  );
  over = true;
  await stop(proc, "SIGTERM");
  learners.forEach((l) => l.drop());
  await Promise.all(talking);
  return { ping: p99(timed.pings), health: p99(timed.health) };
}

async function timeIdleLearner(
  wsUrl: string,
  healthUrl: string,
  seconds: number,
): Promise<{ pings: number[]; health: number[] }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/soak/pinger.ts", wsUrl, healthUrl, String(seconds)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  const last = output.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{"))
    throw new Error(`the pinger failed (${code}): ${output}`);
  return JSON.parse(last) as { pings: number[]; health: number[] };
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0);
}

/**
 * A process killed inside a transaction on the learner's Commander session leaves its lock; the
 * learner's confirmation gets an error within the transaction budget, and goes through once the
 * lock clears.
 */
async function reproduceStaleLock(
  proc: ServerProcess,
  env: Record<string, string>,
): Promise<{ errorAfterMs: number; continuedAfterMs: number }> {
  const learner = new SoakLearner("stale-lock@example.com", LIMITS);
  await learner.begin(`http://127.0.0.1:${proc.port}`);
  const socket = new TestSocket(
    `ws://127.0.0.1:${proc.port}/api/v1/mission-commander/ws?session_id=${learner.sessionId}&token=${learner.token}`,
  );
  await socket.waitFor("connected");
  for (const content of SEED_INTERVIEW.slice(0, 4)) await socket.reply(content, 120_000);
  await leaveStaleLock(
    {
      projectId: env.GOOGLE_CLOUD_PROJECT!,
      databaseId: env.FIRESTORE_DATABASE_ID!,
      emulatorHost: env.FIRESTORE_EMULATOR_HOST!,
    },
    `session_logs/${learner.sessionId}`,
  );
  const started = Date.now();
  let reply = await socket.reply("Yes, that's correct", 120_000);
  const errorAfterMs = Date.now() - started;
  if (reply.type !== "error") throw new Error(`expected an error, got ${reply.type}`);
  while (reply.type === "error") {
    await sleep(2_000);
    reply = await socket.reply("Yes, that's correct", 120_000);
  }
  if (reply.type !== "mission_created") throw new Error(`expected the mission, got ${reply.type}`);
  socket.close();
  return { errorAfterMs, continuedAfterMs: Date.now() - started };
}

/**
 * The crash suite's short version, as `npm test` runs it on one store: five kills, one SIGTERM and
 * a brief saturation, after which nothing may be lost, duplicated, partial, stuck or out of step.
 */
export async function expectShortSoakHolds(
  name: string,
  storeEnv: Record<string, string>,
  finishWithinMs: number,
): Promise<void> {
  const result = await runSoak({
    name,
    storeEnv,
    kills: 5,
    learners: 3,
    sigterms: 1,
    saturation: { learners: 10, seconds: 2 },
    finishWithinMs,
  });
  expect(result).toMatchObject({
    lost: 0,
    duplicated: 0,
    partialMissions: 0,
    stuck: 0,
    progressMismatches: 0,
  });
  // The kills landed in real conversations.
  expect(result.messages).toBeGreaterThan(30);
}
