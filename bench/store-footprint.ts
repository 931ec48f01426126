/**
 * What a conversation costs each store as it grows. A learner keeps a Mission Ally conversation
 * going (a greeting, then off-topic questions that Lumina answers and steers back from) through
 * the real server, on SQLite and on the Firestore emulator; the bench then reads back what each
 * turn wrote: documents and bytes (Firestore) or rows and bytes in the checkpoint tables (SQLite),
 * at turns 10, 100 and 1,000.
 *
 * Goals, as ratios within the run: the median cost of the ten turns up to turn N stays within
 * 1.5× of the ten turns up to turn 10 (no turn re-writes the history), and no Firestore document
 * exceeds 1 MiB. The process exits with 1 when a goal is missed.
 *
 *   npm run bench:store                 # 1,000 turns
 *   npm run bench:store -- --turns 200
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { buildServer, loadConfig } from "../server/index.js";
import { allyThreadId, enrollmentId } from "../domain/index.js";
import { connectFirestore } from "../store/firestore/index.js";
import {
  firestoreThreadFootprint,
  sqliteThreadFootprint,
  type ThreadFootprint,
  type TurnFootprint,
} from "../test/support/checkpoint-footprint.js";
import {
  freePorts,
  startFirestoreEmulator,
  stopGroup,
  untilAnswering,
} from "../test/support/emulator-processes.js";
import { MAX_DOCUMENT_BYTES } from "../test/support/firestore-document-size.js";
import { TestSocket } from "../test/support/ws-client.js";
import { GIT_MISSION } from "../test/support/missions.js";

const MAX_GROWTH = 1.5;
const WINDOW = 10;
const SAMPLE_TURNS = [10, 100, 1_000];

const OFF_TOPIC = [
  "By the way, who won the football world cup in 1998?",
  "Random question: what is the tallest mountain in Africa?",
  "Unrelated, but how many moons does Jupiter have?",
  "Quick aside: who painted the Mona Lisa?",
  "Off topic: what is the capital of Australia?",
];

function turnsArgument(): number {
  const at = process.argv.indexOf("--turns");
  const turns = at === -1 ? 1_000 : Number(process.argv[at + 1]);
  if (!Number.isInteger(turns) || turns < WINDOW) throw new Error(`--turns must be ≥ ${WINDOW}`);
  return turns;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

/** Runs `turns` Ally turns through a real server on `env`'s store; returns the thread and timings. */
async function converse(env: Record<string, string>, turns: number) {
  const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent", AUTH: "local", ...env });
  const server = await buildServer(config);
  try {
    const base = `127.0.0.1:${server.port}`;
    const login = await fetch(`http://${base}/api/v1/auth/dev-login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "bench@example.com", name: "Bench" }),
    });
    const { token, uid } = (await login.json()) as { token: string; uid: string };
    const enrolled = await fetch(`http://${base}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(GIT_MISSION),
    });
    if (enrolled.status !== 201) throw new Error(`enrollment failed: ${await enrolled.text()}`);
    const { mission } = (await enrolled.json()) as { mission: { id: string } };
    const socket = new TestSocket(
      `ws://${base}/api/v1/mission-ally/ws?mission_id=${mission.id}&token=${token}`,
    );
    await socket.waitFor("connected");
    const ms: number[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const from = socket.frames.length;
      const started = performance.now();
      socket.send({
        type: "user_message",
        message: turn === 0 ? "Hi!" : OFF_TOPIC[turn % OFF_TOPIC.length],
      });
      await socket.waitFor("agent_processing_end", from, 60_000);
      ms.push(performance.now() - started);
      const failed = socket.frames.slice(from).find((f) => f.type === "error");
      if (failed) throw new Error(`turn ${turn + 1} failed: ${JSON.stringify(failed)}`);
      if (turn % 100 === 99) process.stderr.write(`  ${config.store}: ${turn + 1} turns\n`);
    }
    socket.close();
    await socket.closed;
    return { threadId: allyThreadId(enrollmentId(uid, mission.id)), ms };
  } finally {
    await server.shutdown();
  }
}

interface Report {
  store: string;
  footprint: ThreadFootprint;
  ms: number[];
}

function windowOf<T>(items: T[], turn: number): T[] {
  return items.slice(Math.max(0, turn - WINDOW), turn);
}

function print({ store, footprint, ms }: Report, turns: number): boolean {
  const unit = store === "firestore" ? "documents" : "rows";
  console.log(
    `\n${store}: ${turns} turns, largest ${unit.slice(0, -1)} ${footprint.largest.bytes} B`,
  );
  console.log(
    `  turn   ${unit}/turn   bytes/turn   (median of the ${WINDOW} turns up to it)   ms/turn`,
  );
  const medians = (turn: number) => {
    const window = windowOf<TurnFootprint>(footprint.turns, turn);
    return {
      writes: median(window.map((t) => t.writes)),
      bytes: median(window.map((t) => t.bytes)),
    };
  };
  for (const turn of SAMPLE_TURNS.filter((t) => t <= turns)) {
    const at = footprint.turns[turn - 1];
    const m = medians(turn);
    console.log(
      `  ${String(turn).padStart(5)}   ${String(at?.writes).padStart(9)}   ${String(at?.bytes).padStart(10)}   ` +
        `(${m.writes} ${unit}, ${m.bytes} B)`.padEnd(40) +
        `${median(windowOf(ms, turn)).toFixed(1).padStart(9)}`,
    );
  }
  const biggest = footprint.turns.reduce((max, t) => (t.bytes > max.bytes ? t : max));
  console.log(`  biggest turn: ${biggest.turn} (${biggest.writes} ${unit}, ${biggest.bytes} B)`);

  const first = medians(WINDOW);
  const last = medians(turns);
  const growth = Math.max(last.bytes / first.bytes, last.writes / first.writes);
  const flat = growth <= MAX_GROWTH;
  console.log(
    `  goal: turn ${turns} costs ≤ ${MAX_GROWTH}× turn ${WINDOW} → ${growth.toFixed(2)}× ${flat ? "met" : "MISSED"}`,
  );
  if (store !== "firestore") return flat;
  const fits = footprint.largest.bytes <= MAX_DOCUMENT_BYTES;
  console.log(
    `  goal: every document ≤ 1 MiB → largest ${footprint.largest.bytes} B ${fits ? "met" : "MISSED"}`,
  );
  return flat && fits;
}

async function main() {
  const turns = turnsArgument();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-bench-store-"));
  const projectId = `demo-learnforge-${randomBytes(4).toString("hex")}`;
  const [port] = await freePorts(1);
  const emulator = startFirestoreEmulator(dir, projectId, port ?? 0);
  const host = `127.0.0.1:${port}`;
  try {
    const sqlitePath = path.join(dir, "bench.sqlite");
    process.stderr.write(`SQLite: ${turns} turns\n`);
    const sqlite = await converse({ DATA_DIR: dir, SQLITE_PATH: sqlitePath }, turns);
    const db = new Database(sqlitePath, { readonly: true });
    const sqliteReport = {
      store: "sqlite",
      footprint: sqliteThreadFootprint(db, sqlite.threadId),
      ms: sqlite.ms,
    };
    db.close();

    await untilAnswering("firestore", host, dir);
    process.stderr.write(`Firestore emulator: ${turns} turns\n`);
    const databaseId = "bench";
    const firestore = await converse(
      {
        DATA_DIR: dir,
        STORE: "firestore",
        GOOGLE_CLOUD_PROJECT: projectId,
        FIRESTORE_DATABASE_ID: databaseId,
        FIRESTORE_EMULATOR_HOST: host,
      },
      turns,
    );
    const client = connectFirestore({ projectId, databaseId, emulatorHost: host });
    const firestoreReport = {
      store: "firestore",
      footprint: await firestoreThreadFootprint(client, firestore.threadId),
      ms: firestore.ms,
    };
    await client.terminate();

    const met = [sqliteReport, firestoreReport].map((report) => print(report, turns));
    process.exitCode = met.every(Boolean) ? 0 : 1;
  } finally {
    await stopGroup(emulator);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
