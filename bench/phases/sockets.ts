import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Learner } from "../clients/learner-api.js";
import type { HolderReply } from "../clients/socket-holder.js";
import { range } from "../clients/turn-tally.js";
import { openFileLimits } from "../measure/file-limits.js";
import { sampleTree } from "../measure/process-tree.js";
import { errorTotal, measured, mergeErrors } from "../measure/stats.js";
import { show, showRatio, type Row } from "../report/results.js";
import { startNodeProcess, type NodeProcess } from "../targets/node-process.js";
import type { HookReply } from "../targets/server-hooks.js";
import { startProductServer, type ProductServer } from "../targets/product-server.js";
import { repeat, type Phase } from "./phase.js";

const GOAL_KB = 4;
const PER_HOLDER = 5_000;
/** Open files a process needs besides its sockets. */
const SPARE_FILES = 1_024;
const SESSIONS_PER_LEARNER = 100;

interface Held {
  urls: string[];
  greeted: boolean;
}

interface Memory {
  /** Resident memory, from /proc. */
  rss: number;
  /** Resident memory with the JavaScript heap counted at its live size. */
  held: number;
  /** The live JavaScript heap alone: the steadiest part, as the rest moves with the allocator. */
  heap: number;
}

/**
 * What the server holds after collecting garbage. V8 keeps freed heap committed and hands it back
 * on a schedule of its own (megabytes at a time, more than 10,000 raw uWS sockets take), so the
 * heap counts at its live size: resident memory − committed heap + live heap.
 */
async function memoryOf(server: NodeProcess): Promise<Memory> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const heap = await server.call<HookReply>({ hook: "gc" });
  const rss = sampleTree(server.pid).rssBytes;
  return { rss, held: rss - heap.heapTotalBytes + heap.heapUsedBytes, heap: heap.heapUsedBytes };
}

/** Opens the sockets, spread over the holders, all at once. */
async function connect(holders: NodeProcess[], held: Held) {
  const share = Math.ceil(held.urls.length / holders.length);
  const replies = await Promise.all(
    holders.map((holder, i) =>
      holder.call<HolderReply>({
        open: {
          urls: held.urls.slice(i * share, (i + 1) * share),
          greeted: held.greeted,
          concurrency: 50,
        },
      }),
    ),
  );
  return {
    open: replies.reduce((sum, r) => sum + r.open, 0),
    failures: mergeErrors(...replies.map((r) => r.failures)),
  };
}

const disconnect = (holders: NodeProcess[]) =>
  Promise.all(holders.map((holder) => holder.call<HolderReply>({ close: true })));

/**
 * A new server (a process keeps what its allocator once took), warmed up with a few sockets, then
 * measured idle before and after all the sockets connect, then stopped.
 */
async function bytesPerSocket<S extends NodeProcess>(
  start: () => Promise<S>,
  holders: NodeProcess[],
  held: (server: S) => Held,
) {
  const server = await start();
  try {
    const all = held(server);
    await connect(holders, { ...all, urls: all.urls.slice(0, 200) });
    await disconnect(holders);
    const before = await memoryOf(server);
    const { open, failures } = await connect(holders, all);
    const after = await memoryOf(server);
    await disconnect(holders);
    return {
      bytes: (after.held - before.held) / open,
      rssBytes: (after.rss - before.rss) / open,
      heapBytes: (after.heap - before.heap) / open,
      open,
      failures,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Resident memory per idle authenticated socket: thousands of Commander sockets, each on its own
 * interview and past `connected`, against the same number of plain sockets on raw uWebSockets.js.
 * Every repetition starts each server afresh and reads its memory after collecting garbage, before
 * and after the sockets connect.
 */
export const socketsPhase: Phase = {
  name: "sockets",
  title: "Memory per idle socket",
  async run(ctx) {
    const notes: string[] = [];
    const limits = openFileLimits();
    let count = ctx.sizes.sockets;
    if (limits.hard < count + SPARE_FILES) {
      count = limits.hard - SPARE_FILES;
      notes.push(
        `only ${count} sockets: the hard limit on open files is ${limits.hard} (ulimit -Hn)`,
      );
    }
    const holderCount = Math.ceil(count / Math.min(PER_HOLDER, limits.hard - SPARE_FILES));
    const fileLimit = Math.min(limits.hard, count + SPARE_FILES);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "learnforge-bench-sockets-"));
    const holders: NodeProcess[] = [];
    try {
      holders.push(
        ...(await Promise.all(
          range(holderCount).map(() =>
            startNodeProcess("bench/clients/socket-holder.ts", {
              ready: /"msg":"ready"/,
              fileLimit: Math.min(limits.hard, Math.ceil(count / holderCount) + SPARE_FILES),
            }),
          ),
        )),
      );
      const startProduct = () =>
        startProductServer({ env: ctx.options.serverEnv, fileLimit, dataDir });
      const startUws = () =>
        startNodeProcess("bench/targets/uws-echo.ts", { hooks: true, fileLimit });

      ctx.log(`  creating ${count} interview sessions`);
      const interviews: { learner: Learner; session: string }[] = [];
      const setup = await startProduct();
      try {
        for (const i of range(Math.ceil(count / SESSIONS_PER_LEARNER))) {
          const learner = await setup.api.login(`bench-socket-${i}@example.com`);
          const sessions = await Promise.all(
            range(SESSIONS_PER_LEARNER).map(() => setup.api.createSession(learner)),
          );
          interviews.push(...sessions.map((session) => ({ learner, session })));
        }
      } finally {
        await setup.stop();
      }
      const productSockets = (server: ProductServer): Held => ({
        urls: interviews
          .slice(0, count)
          .map(({ learner, session }) => server.commanderUrl(learner, session)),
        greeted: true,
      });
      const uwsSockets = (server: NodeProcess): Held => ({
        urls: range(count).map(() => `ws://127.0.0.1:${server.port}/`),
        greeted: false,
      });

      const reps = await repeat(ctx, `${count} idle sockets`, async () => ({
        product: await bytesPerSocket(startProduct, holders, productSockets),
        uws: await bytesPerSocket(startUws, holders, uwsSockets),
      }));
      const kb = (of: "product" | "uws") => measured(reps.map((r) => r[of].bytes / 1024));
      const heapKb = (of: "product" | "uws") => measured(reps.map((r) => r[of].heapBytes / 1024));
      const failures = mergeErrors(...reps.map((r) => r.product.failures));
      const met = kb("product").median <= GOAL_KB && errorTotal(failures) === 0;
      const row: Row = {
        figure: `memory per idle authenticated socket, ${count} sockets`,
        value: show(kb("product"), "KB"),
        anchor: `raw uWS ${show(kb("uws"), "KB")}`,
        // Too few sockets can leave the anchor's growth under one page: no ratio then.
        ratio: showRatio(
          measured(reps.map((r) => (r.uws.bytes > 0 ? r.product.bytes / r.uws.bytes : NaN))),
          "raw uWS",
        ),
        goal: `≤ ${GOAL_KB} KB`,
        met,
        notes: [
          ...(errorTotal(failures) > 0 ? [`sockets refused: ${JSON.stringify(failures)}`] : []),
          `of which live JavaScript heap: product ${show(heapKb("product"), "KB")}; raw uWS ${show(heapKb("uws"), "KB")}`,
          `sockets open per repetition: product ${reps.map((r) => r.product.open).join(", ")}; raw uWS ${reps.map((r) => r.uws.open).join(", ")}`,
        ],
        data: { count, reps },
      };
      notes.push(
        `${count} sockets from ${holderCount} client process(es), ${SESSIONS_PER_LEARNER} interviews per learner; each repetition on newly started servers, warmed up with 200 sockets; memory read after a forced garbage collection, before and after they all connected, as resident memory with the JavaScript heap counted at its live size (V8 shrinks its committed heap on its own schedule, by megabytes); plain resident memory is in the JSON.`,
      );
      return { rows: [row], notes };
    } finally {
      for (const holder of holders) await holder.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
