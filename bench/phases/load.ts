import { AgentSocket } from "../clients/agent-socket.js";
import { CONFIRMED_INTERVIEW } from "../clients/learner-lines.js";
import { range, TurnTally } from "../clients/turn-tally.js";
import { profileDuring } from "../measure/cpu-profile.js";
import { treeCpuDuring } from "../measure/process-tree.js";
import { errorTotal, measured, mergeErrors, percentile } from "../measure/stats.js";
import { num, show, type Row } from "../report/results.js";
import { startProductServer, type ProductServer } from "../targets/product-server.js";
import { repeat, type Phase } from "./phase.js";

/** The throughput measured before turns were made flat (2026-11-30), which the goal doubles. */
const TURNS_PER_SECOND_BEFORE = 291;
const GOAL_P99_MS = 1_000;

let round = 0;

/** Every learner signed in, on a new interview, connected: ready to start at the same moment. */
async function readyLearners(server: ProductServer, count: number): Promise<AgentSocket[]> {
  round += 1;
  const sockets: AgentSocket[] = [];
  for (const batch of range(Math.ceil(count / 50))) {
    const size = Math.min(50, count - batch * 50);
    sockets.push(
      ...(await Promise.all(
        range(size).map(async (i) => {
          const learner = await server.api.login(
            `bench-load-${round}-${batch * 50 + i}@example.com`,
          );
          const session = await server.api.createSession(learner);
          return AgentSocket.open(server.commanderUrl(learner, session), "commander");
        }),
      )),
    );
  }
  return sockets;
}

/** Each learner goes through the whole interview, sending each answer as soon as the last arrives. */
async function interviewAll(sockets: AgentSocket[]): Promise<TurnTally> {
  const tally = new TurnTally();
  await Promise.all(
    sockets.map(async (socket) => {
      for (const line of CONFIRMED_INTERVIEW) {
        const result = await socket.turn(line, 60_000);
        tally.record(result.ms, result.failure);
        if (result.failure || result.finished) break;
      }
    }),
  );
  return tally;
}

/**
 * Hundreds of learners interviewing at once, each a user of their own on a socket of their own,
 * from the first answer to `mission_created`: turns per second, latency, and errors by kind.
 */
export const loadPhase: Phase = {
  name: "load",
  title: "Learners interviewing at once",
  async run(ctx) {
    const learners = ctx.sizes.learners;
    const server = await startProductServer({
      limits: "product",
      env: ctx.options.serverEnv,
      fileLimit: learners + 1_024,
    });
    try {
      const warmUp = await readyLearners(server, Math.min(20, learners));
      await interviewAll(warmUp);
      await Promise.all(warmUp.map((s) => s.close()));

      const reps = await repeat(ctx, `${learners} learners`, async () => {
        const sockets = await readyLearners(server, learners);
        const {
          cpuSeconds,
          wallMs,
          result: tally,
        } = await treeCpuDuring(server.pid, () => interviewAll(sockets));
        await Promise.all(sockets.map((s) => s.close()));
        return {
          turnsPerSecond: tally.turns / (wallMs / 1000),
          p50Ms: percentile(tally.latenciesMs, 50),
          p99Ms: percentile(tally.latenciesMs, 99),
          cpuMsPerTurn: (cpuSeconds * 1000) / Math.max(1, tally.turns),
          turns: tally.turns,
          failures: tally.failures,
        };
      });
      const throughput = measured(reps.map((r) => r.turnsPerSecond));
      const p99 = measured(reps.map((r) => r.p99Ms));
      const failures = mergeErrors(...reps.map((r) => r.failures));
      const goalRate = 2 * TURNS_PER_SECOND_BEFORE;
      const met =
        throughput.median >= goalRate && p99.median <= GOAL_P99_MS && errorTotal(failures) === 0;
      const row: Row = {
        figure: `${learners} learners interviewing at once`,
        value: `${show(throughput, "answered turns/s")}, p99 ${show(p99, "ms")}, ${errorTotal(failures)} errors`,
        anchor: "–",
        ratio: `${num(throughput.median / TURNS_PER_SECOND_BEFORE)}× the ${TURNS_PER_SECOND_BEFORE} turns/s measured on 2026-11-30`,
        goal: `≥ ${goalRate} turns/s, p99 ≤ ${GOAL_P99_MS / 1000} s, 0 errors`,
        met,
        notes: [
          `p50 ${num(measured(reps.map((r) => r.p50Ms)).median)} ms; server CPU ${num(measured(reps.map((r) => r.cpuMsPerTurn)).median)} ms per turn`,
          ...(errorTotal(failures) > 0
            ? [
                `errors by kind, over all repetitions: ${JSON.stringify(failures)}; a learner whose message is refused stops there, as seed 001's client would`,
              ]
            : []),
        ],
        data: { learners, reps },
      };
      if (!met && ctx.options.profile) {
        ctx.log("  profiling the product under load");
        const sockets = await readyLearners(server, learners);
        row.profile = await profileDuring(server, ctx.profileFile("load"), () =>
          interviewAll(sockets),
        );
        await Promise.all(sockets.map((s) => s.close()));
      }
      return {
        rows: [row],
        notes: [
          "The server runs with its shipped limits (per-user turn rate, running turns, the busy rule) unless `--server-env` says otherwise; the other phases turn them off.",
          `Each learner signs in, opens an interview and connects first; then all of them go through the seed interview at once (${CONFIRMED_INTERVIEW.length} turns, the last creating the mission), each answer sent as soon as the previous reply arrives. The clients run in one process on the same machine.`,
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
