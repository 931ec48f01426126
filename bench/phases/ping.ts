import type { Connection } from "../../client/index.js";
import { closeSockets, openPingSockets, pingRounds } from "../clients/ping-client.js";
import { range } from "../clients/turn-tally.js";
import { profileDuring } from "../measure/cpu-profile.js";
import { treeCpuDuring } from "../measure/process-tree.js";
import { measured } from "../measure/stats.js";
import { show, showRatio, type Row } from "../report/results.js";
import { startNodeProcess, type NodeProcess } from "../targets/node-process.js";
import { startProductServer } from "../targets/product-server.js";
import { repeat, type Phase } from "./phase.js";

const GOAL = 1.15;

interface Target {
  name: string;
  server: NodeProcess;
  sockets: Connection[];
}

/**
 * `{"type":"ping"}` → `{"type":"pong"}` on authenticated Commander sockets, against servers that
 * echo the same frame back: raw uWebSockets.js and `ws`. Server CPU per round trip.
 */
export const pingPhase: Phase = {
  name: "ping",
  title: "ping/pong through the full protocol",
  async run(ctx) {
    const { pingConnections: connections, pingRoundTrips: roundTrips } = ctx.sizes;
    const product = await startProductServer({ env: ctx.options.serverEnv });
    const anchors: NodeProcess[] = [];
    const targets: Target[] = [];
    try {
      const learner = await product.api.login("bench-ping@example.com");
      const urls = await Promise.all(
        range(connections).map(async () =>
          product.commanderUrl(learner, await product.api.createSession(learner)),
        ),
      );
      targets.push({
        name: "product",
        server: product,
        sockets: await openPingSockets(urls, true),
      });
      for (const [name, entry] of [
        ["raw uWS echo", "bench/targets/uws-echo.ts"],
        ["ws echo", "bench/targets/ws-echo.ts"],
      ] as const) {
        const server = await startNodeProcess(entry, { hooks: true });
        anchors.push(server);
        const url = `ws://127.0.0.1:${server.port}/`;
        targets.push({
          name,
          server,
          sockets: await openPingSockets(
            range(connections).map(() => url),
            false,
          ),
        });
      }
      for (const target of targets) await pingRounds(target.sockets, Math.min(roundTrips, 1000));

      const perRoundTrip = await repeat(ctx, "ping/pong", async () => {
        const micros: Record<string, number> = {};
        for (const target of targets) {
          const { cpuSeconds } = await treeCpuDuring(target.server.pid, () =>
            pingRounds(target.sockets, roundTrips),
          );
          micros[target.name] = (cpuSeconds / (connections * roundTrips)) * 1e6;
        }
        return micros;
      });
      const of = (name: string) => measured(perRoundTrip.map((m) => m[name]!));
      const ratio = measured(perRoundTrip.map((m) => m["product"]! / m["raw uWS echo"]!));
      const met = ratio.median <= GOAL;
      const row: Row = {
        figure: "ping/pong through the full protocol (server CPU per round trip)",
        value: show(of("product"), "µs"),
        anchor: `raw uWS echo ${show(of("raw uWS echo"), "µs")}; \`ws\` echo ${show(of("ws echo"), "µs")}`,
        ratio: showRatio(ratio, "raw uWS"),
        goal: `≤ ${GOAL}× raw uWS`,
        met,
        notes: [],
        data: {
          connections,
          roundTripsPerConnection: roundTrips,
          microsPerRoundTrip: perRoundTrip,
        },
      };
      if (!met && ctx.options.profile) {
        ctx.log("  ping/pong: profiling the product");
        row.profile = await profileDuring(product, ctx.profileFile("ping"), () =>
          pingRounds(targets[0]!.sockets, roundTrips),
        );
      }
      return {
        rows: [row],
        notes: [
          `${connections} connections × ${roundTrips} sequential round trips per repetition; the client is one process on the same machine.`,
        ],
      };
    } finally {
      for (const target of targets) await closeSockets(target.sockets);
      for (const anchor of anchors) await anchor.stop();
      await product.stop();
    }
  },
};
