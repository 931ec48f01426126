import type { AgentName } from "../clients/agent-socket.js";
import { measured, mean, percentile } from "../measure/stats.js";
import { num, show, showRatio, type Row } from "../report/results.js";
import type { TurnFootprint } from "../../test/support/checkpoint-footprint.js";
import { EARLY, earlyTurnCost, longConversation } from "./growth-conversations.js";
import { onFirestoreEmulator, onSqlite, type StoreUnderTest } from "./growth-stores.js";
import { repeat, type Phase, type PhaseContext } from "./phase.js";

const GOAL_CPU = 1.2;
const GOAL_BYTES = 1.5;
const BYTES_WINDOW = 50;
const NAMES: Record<AgentName, string> = { commander: "Commander", ally: "Ally" };

interface Bytes {
  first: number;
  last: number;
  window: number;
  largest: TurnFootprint;
  /** Turns that wrote over four times the median: the periodic snapshots. */
  spikes: number[];
}

function bytesPerTurn(turns: TurnFootprint[]): Bytes {
  const window = Math.min(BYTES_WINDOW, Math.floor(turns.length / 2));
  const bytes = turns.map((t) => t.bytes);
  const median = percentile(bytes, 50);
  return {
    first: mean(bytes.slice(0, window)),
    last: mean(bytes.slice(-window)),
    window,
    largest: turns.reduce((max, t) => (t.bytes > max.bytes ? t : max)),
    spikes: turns.filter((t) => t.bytes > 4 * median).map((t) => t.turn),
  };
}

const kb = (bytes: number) => `${num(bytes / 1024)} KB`;

async function growthRows(
  ctx: PhaseContext,
  store: StoreUnderTest,
  storeName: string,
  agent: AgentName,
  turns: number,
): Promise<Row[]> {
  const window = Math.min(ctx.sizes.lateWindow, turns - EARLY.last);
  await earlyTurnCost(store.server, agent); // warms the server up; the first turns run colder
  const reps = await repeat(ctx, `${NAMES[agent]} on ${storeName} to turn ${turns}`, async () => {
    const early = await earlyTurnCost(store.server, agent);
    const long = await longConversation(store.server, agent, turns, window, ctx.log);
    const footprint = await store.footprint(long.threadId);
    return { early, long, bytes: bytesPerTurn(footprint.turns) };
  });
  const early = measured(reps.map((r) => r.early));
  const late = measured(reps.map((r) => r.long.lateMsPerTurn));
  const ratio = measured(reps.map((r) => r.long.lateMsPerTurn / r.early));
  const lateFrom = turns - window + 1;
  const latency = (from: number, to: number) =>
    num(measured(reps.map((r) => percentile(r.long.latencyMs.slice(from - 1, to), 50))).median);
  const cpuRow: Row = {
    figure: `${NAMES[agent]} turn ${turns} vs turn 5, one conversation, ${storeName} (server CPU per turn)`,
    value: `turn ${turns}: ${show(late, "ms")}`,
    anchor: `turn 5: ${show(early, "ms")}`,
    ratio: showRatio(ratio, ""),
    goal: `≤ ${GOAL_CPU}×`,
    met: ratio.median <= GOAL_CPU,
    notes: [
      `turn ${turns} is the mean of turns ${lateFrom}–${turns}; turn 5 the mean of turns ${EARLY.first}–${EARLY.last} of ${EARLY.conversations} new conversations`,
      `latency p50: turns ${EARLY.first}–${EARLY.last} ${latency(EARLY.first, EARLY.last)} ms, turns ${lateFrom}–${turns} ${latency(lateFrom, turns)} ms`,
    ],
    data: {
      turns,
      earlyMsPerTurn: reps.map((r) => r.early),
      lateMsPerTurn: reps.map((r) => r.long.lateMsPerTurn),
      cpuMsPerTurnPer10Turns: reps.map((r) => r.long.curveMsPerTurn),
    },
  };
  if (!cpuRow.met && ctx.options.profile) {
    ctx.log(`  profiling turns ${lateFrom}–${turns} of one more ${NAMES[agent]} conversation`);
    const file = ctx.profileFile(`growth-${agent}-${storeName.split(" ")[0]!.toLowerCase()}`);
    cpuRow.profile = (
      await longConversation(store.server, agent, turns, window, ctx.log, file)
    ).profile;
  }

  const bytes = reps[0]!.bytes;
  const byteRatio = measured(reps.map((r) => r.bytes.last / r.bytes.first));
  const bytesRow: Row = {
    figure: `bytes stored per ${NAMES[agent]} turn, ${storeName}: mean of the last ${bytes.window} turns vs the first ${bytes.window}`,
    value: `last ${bytes.window}: ${kb(bytes.last)}`,
    anchor: `first ${bytes.window}: ${kb(bytes.first)}`,
    ratio: showRatio(byteRatio, ""),
    goal: `≤ ${GOAL_BYTES}×`,
    met: byteRatio.median <= GOAL_BYTES,
    notes: [
      `largest single turn: turn ${bytes.largest.turn}, ${kb(bytes.largest.bytes)} in ${bytes.largest.writes} ${storeName === "SQLite" ? "rows" : "documents"}`,
      ...(bytes.spikes.length > 0
        ? [
            `turns writing over 4× the median (periodic snapshots): ${bytes.spikes.slice(0, 12).join(", ")}${bytes.spikes.length > 12 ? ", …" : ""}`,
          ]
        : []),
    ],
    data: { bytes: reps.map((r) => r.bytes) },
  };
  return [cpuRow, bytesRow];
}

/**
 * How a conversation's turns cost more as it grows: server CPU per turn at the end of one long
 * conversation against turn 5, and the bytes each turn stores, on SQLite and on the Firestore
 * emulator. (`npm run bench:store` runs this phase alone.)
 */
export const growthPhase: Phase = {
  name: "growth",
  title: "Growth: one long conversation on SQLite and on the Firestore emulator",
  async run(ctx) {
    const rows: Row[] = [];
    const notes: string[] = [];
    const stores = [
      { name: "SQLite", turns: ctx.sizes.growthTurns, open: onSqlite },
      { name: "Firestore emulator", turns: ctx.sizes.firestoreTurns, open: onFirestoreEmulator },
    ];
    for (const { name, turns, open } of stores) {
      let store: StoreUnderTest;
      try {
        store = await open(ctx.options.serverEnv);
      } catch (err) {
        const why = (err as Error).message.split("\n")[0];
        notes.push(`${name} not measured: ${why}`);
        ctx.log(`  ${name} skipped: ${why}`);
        continue;
      }
      try {
        for (const agent of ["commander", "ally"] as const)
          rows.push(...(await growthRows(ctx, store, name, agent, turns)));
      } finally {
        await store.stop();
      }
    }
    notes.push(
      "Commander: the seed interview up to its summary, then small talk, never confirming; Ally: a greeting, then off-topic questions Lumina answers and steers back from.",
      "Firestore figures count the server's CPU only, not the emulator's.",
      "Bytes stored per turn count the turn's checkpoint and the writes stored with it, and its entries in the transcript log (the learner's message and the replies shown).",
    );
    return { rows, notes };
  },
};
