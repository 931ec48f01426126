import path from "node:path";
import type { AgentName } from "../clients/agent-socket.js";
import { prepareGraphTurns } from "../clients/graph-turns.js";
import { prepareLanggraphApiTurns } from "../clients/langgraph-api-turns.js";
import { allyLessonLine, commanderLine } from "../clients/learner-lines.js";
import { prepareProductTurns } from "../clients/product-turns.js";
import type { PreparedTurns, WorkloadShape } from "../clients/turn-tally.js";
import { profileDuring } from "../measure/cpu-profile.js";
import { treeCpuDuring } from "../measure/process-tree.js";
import {
  errorTotal,
  measured,
  mergeErrors,
  percentile,
  type ErrorCounts,
} from "../measure/stats.js";
import { num, show, showRatio, type Row } from "../report/results.js";
import { startNodeProcess } from "../targets/node-process.js";
import { stopOnInterrupt } from "../targets/on-interrupt.js";
import { startProductServer } from "../targets/product-server.js";
import { startLanggraphDev } from "../../test/support/langgraph-dev.js";
import { repeat, type Phase } from "./phase.js";

const GOAL_VS_PLATFORM = 0.25;
const GOAL_VS_IN_PROCESS = 1.1;

type Setting = "product" | "langgraph-cli dev" | "in-process";

interface Target {
  setting: Setting;
  pid: number;
  prepare(agent: AgentName, shape: WorkloadShape): Promise<PreparedTurns>;
}

interface Sample {
  msPerTurn: number;
  p50Ms: number;
  turns: number;
  failures: ErrorCounts;
}

const LINES: Record<AgentName, (turn: number) => string> = {
  commander: commanderLine,
  ally: allyLessonLine,
};

const NAMES: Record<AgentName, string> = { commander: "Commander", ally: "Ally" };

async function measure(target: Target, agent: AgentName, shape: WorkloadShape): Promise<Sample> {
  const prepared = await target.prepare(agent, shape);
  try {
    const { cpuSeconds, result: tally } = await treeCpuDuring(target.pid, () => prepared.run());
    if (tally.turns === 0)
      throw new Error(`${target.setting}: no turn succeeded: ${JSON.stringify(tally.failures)}`);
    return {
      msPerTurn: (cpuSeconds * 1000) / tally.turns,
      p50Ms: percentile(tally.latenciesMs, 50),
      turns: tally.turns,
      failures: tally.failures,
    };
  } finally {
    await prepared.cleanup();
  }
}

/**
 * A scripted-model turn, with 10 learners talking at once: server CPU per turn of the product
 * (over its sockets), of the same graphs under `langgraphjs dev` (runs/wait), and of plain
 * `graph.invoke` in a process of its own, on the same store. The settings take turns within each
 * repetition, so that a change in the machine's load hits all three alike.
 */
export const turnsPhase: Phase = {
  name: "turns",
  title: "Commander and Ally turns against LangGraph's server and plain graph.invoke",
  async run(ctx) {
    const shape: WorkloadShape = {
      clients: ctx.sizes.turnClients,
      conversationsPerClient: ctx.sizes.turnConversations,
      turnsPerConversation: ctx.sizes.turnsPerConversation,
    };
    const warmUp: WorkloadShape = { ...shape, conversationsPerClient: 1 };
    const product = await startProductServer({ env: ctx.options.serverEnv });
    const stops: (() => Promise<void>)[] = [() => product.stop()];
    try {
      const runner = await startNodeProcess("bench/targets/in-process-graphs.ts", {
        ready: /"msg":"ready"/,
        env: { BENCH_SQLITE_PATH: path.join(product.dataDir, "in-process.sqlite") },
      });
      stops.push(() => runner.stop());
      ctx.log("  starting langgraphjs dev");
      const platform = await startLanggraphDev({ env: { GOOGLE_API_KEY: "" } });
      stops.push(stopOnInterrupt(() => platform.stop()));
      const targets: Target[] = [
        {
          setting: "product",
          pid: product.pid,
          prepare: (agent, s) => prepareProductTurns(product, agent, s, LINES[agent]),
        },
        {
          setting: "langgraph-cli dev",
          pid: platform.child.pid!,
          prepare: (agent, s) => prepareLanggraphApiTurns(platform.base, agent, s, LINES[agent]),
        },
        {
          setting: "in-process",
          pid: runner.pid,
          prepare: async (agent, s) => prepareGraphTurns(runner, agent, s, LINES[agent]),
        },
      ];

      const rows: Row[] = [];
      for (const agent of ["commander", "ally"] as const) {
        for (const target of targets) await measure(target, agent, warmUp);
        const samples = await repeat(ctx, `${agent} turns`, async () => {
          const bySetting = {} as Record<Setting, Sample>;
          for (const target of targets)
            bySetting[target.setting] = await measure(target, agent, shape);
          return bySetting;
        });
        const ms = (setting: Setting) => measured(samples.map((s) => s[setting].msPerTurn));
        const ratio = (setting: Setting) =>
          measured(samples.map((s) => s.product.msPerTurn / s[setting].msPerTurn));
        const vsPlatform = ratio("langgraph-cli dev");
        const vsInProcess = ratio("in-process");
        const failures = mergeErrors(
          ...samples.flatMap((s) => Object.values(s).map((sample) => sample.failures)),
        );
        const met =
          vsPlatform.median <= GOAL_VS_PLATFORM &&
          vsInProcess.median <= GOAL_VS_IN_PROCESS &&
          errorTotal(failures) === 0;
        const p50 = (setting: Setting) =>
          num(measured(samples.map((s) => s[setting].p50Ms)).median);
        const row: Row = {
          figure: `${NAMES[agent]} turn, scripted model, ${shape.clients} clients (server CPU per turn)`,
          value: show(ms("product"), "ms"),
          anchor: `langgraph-cli dev ${show(ms("langgraph-cli dev"), "ms")}; in-process ${show(ms("in-process"), "ms")}`,
          ratio: `${showRatio(vsPlatform, "dev")}; ${showRatio(vsInProcess, "in-process")}`,
          goal: `≤ ${GOAL_VS_PLATFORM}× dev and ≤ ${GOAL_VS_IN_PROCESS}× in-process`,
          met,
          notes: [
            `latency p50: product ${p50("product")} ms, langgraph-cli dev ${p50("langgraph-cli dev")} ms, in-process ${p50("in-process")} ms`,
            ...(errorTotal(failures) > 0 ? [`failed turns: ${JSON.stringify(failures)}`] : []),
          ],
          data: { shape, samples },
        };
        if (!met && ctx.options.profile) {
          ctx.log(`  ${agent} turns: profiling the product`);
          const prepared = await targets[0]!.prepare(agent, shape);
          row.profile = await profileDuring(product, ctx.profileFile(`turns-${agent}`), () =>
            prepared.run(),
          );
          await prepared.cleanup();
        }
        rows.push(row);
      }
      return {
        rows,
        notes: [
          `${shape.clients} learners at once, each through ${shape.conversationsPerClient} conversation(s) of ${shape.turnsPerConversation} turns per repetition, after a warm-up. Commander: the seed interview up to its summary, then small talk (never confirming, as no mission could be created outside the product's store). Ally: a greeting, agreeing to the briefing, then answers to the sensei (never completing a checkpoint).`,
          `In-process runs \`graph.invoke\` with \`durability: "exit"\`, as the server does, on an SQLite store; langgraph-cli dev uses its own in-memory checkpointer, as LangGraph Studio does.`,
        ],
      };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};
