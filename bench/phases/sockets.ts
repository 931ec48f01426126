import type { HolderReply } from "../clients/socket-holder.js";
import { range } from "../clients/turn-tally.js";
import { openFileLimits } from "../measure/file-limits.js";
import { sampleTree } from "../measure/process-tree.js";
import { errorTotal, measured, mergeErrors } from "../measure/stats.js";
import { show, showRatio, type Row } from "../report/results.js";
import { startNodeProcess, type NodeProcess } from "../targets/node-process.js";
import { startProductServer } from "../targets/product-server.js";
import { repeat, type Phase } from "./phase.js";

const GOAL_KB = 4;
const PER_HOLDER = 5_000;
/** Open files a process needs besides its sockets. */
const SPARE_FILES = 1_024;
const SESSIONS_PER_LEARNER = 100;
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));

interface Held {
  urls: string[];
  greeted: boolean;
}

/** Resident memory after collecting garbage, read from /proc. */
async function rssAfterGc(server: NodeProcess): Promise<number> {
  await server.call({ hook: "gc" });
  return sampleTree(server.pid).rssBytes;
}

/** Opens the sockets from the holders at once, measures the server's memory, closes them. */
async function bytesPerSocket(server: NodeProcess, holders: NodeProcess[], held: Held) {
  const before = await rssAfterGc(server);
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
  await settle();
  const after = await rssAfterGc(server);
  const open = replies.reduce((sum, r) => sum + r.open, 0);
  await Promise.all(holders.map((holder) => holder.call<HolderReply>({ close: true })));
  await settle();
  return {
    bytes: (after - before) / open,
    open,
    failures: mergeErrors(...replies.map((r) => r.failures)),
  };
}

/**
 * Resident memory per idle authenticated socket: thousands of Commander sockets, each on its own
 * interview and past `connected`, against the same number of plain sockets on raw uWebSockets.js.
 * The memory is read after collecting garbage in the server, before and after they connect.
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
    const serverFiles = Math.min(limits.hard, count + SPARE_FILES);
    const processes: NodeProcess[] = [];
    try {
      const product = await startProductServer({
        env: ctx.options.serverEnv,
        fileLimit: serverFiles,
      });
      processes.push(product);
      const uws = await startNodeProcess("bench/targets/uws-echo.ts", {
        hooks: true,
        fileLimit: serverFiles,
      });
      processes.push(uws);
      const holders = await Promise.all(
        range(holderCount).map(() =>
          startNodeProcess("bench/clients/socket-holder.ts", {
            ready: /"msg":"ready"/,
            fileLimit: Math.min(limits.hard, Math.ceil(count / holderCount) + SPARE_FILES),
          }),
        ),
      );
      processes.push(...holders);

      ctx.log(`  creating ${count} interview sessions`);
      const learners = await Promise.all(
        range(Math.ceil(count / SESSIONS_PER_LEARNER)).map((i) =>
          product.api.login(`bench-socket-${i}@example.com`),
        ),
      );
      const urls: string[] = [];
      for (const learner of learners) {
        const sessions = await Promise.all(
          range(SESSIONS_PER_LEARNER).map(() => product.api.createSession(learner)),
        );
        urls.push(...sessions.map((id) => product.commanderUrl(learner, id)));
      }
      const productHeld: Held = { urls: urls.slice(0, count), greeted: true };
      const uwsHeld: Held = {
        urls: range(count).map(() => `ws://127.0.0.1:${uws.port}/`),
        greeted: false,
      };
      const warmUp = (held: Held): Held => ({ ...held, urls: held.urls.slice(0, 200) });
      await bytesPerSocket(product, holders, warmUp(productHeld));
      await bytesPerSocket(uws, holders, warmUp(uwsHeld));

      const reps = await repeat(ctx, `${count} idle sockets`, async () => ({
        product: await bytesPerSocket(product, holders, productHeld),
        uws: await bytesPerSocket(uws, holders, uwsHeld),
      }));
      const kb = (of: "product" | "uws") => measured(reps.map((r) => r[of].bytes / 1024));
      const failures = mergeErrors(...reps.map((r) => r.product.failures));
      const met = kb("product").median <= GOAL_KB && errorTotal(failures) === 0;
      const row: Row = {
        figure: `RSS per idle authenticated socket, ${count} sockets`,
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
          `sockets open per repetition: product ${reps.map((r) => r.product.open).join(", ")}; raw uWS ${reps.map((r) => r.uws.open).join(", ")}`,
        ],
        data: { count, reps },
      };
      notes.push(
        `${count} sockets from ${holderCount} client process(es), ${SESSIONS_PER_LEARNER} interviews per learner; resident memory after two forced garbage collections, before and 2 s after they all connected.`,
      );
      return { rows: [row], notes };
    } finally {
      for (const process of processes.reverse()) await process.stop();
    }
  },
};
