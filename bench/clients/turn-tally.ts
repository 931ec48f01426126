import { countError, type ErrorCounts } from "../measure/stats.js";

/** What a batch of turns came to: how many were answered and how fast, what failed and how. */
export class TurnTally {
  turns = 0;
  readonly failures: ErrorCounts = {};
  /** Of the answered turns: a refusal is quick, and says nothing of how long an answer takes. */
  readonly latenciesMs: number[] = [];

  record(ms: number, failure?: string): void {
    if (failure) return countError(this.failures, failure);
    this.turns += 1;
    this.latenciesMs.push(ms);
  }
}

/** The shape of a turn workload: clients at once, each holding conversations one after another. */
export interface WorkloadShape {
  clients: number;
  conversationsPerClient: number;
  turnsPerConversation: number;
}

/** A workload made ready (sessions, sockets, threads), to be run while its CPU is measured. */
export interface PreparedTurns {
  run(): Promise<TurnTally>;
  /** Closes what `run` left open. */
  cleanup(): Promise<void>;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface TurnOutcome {
  ms: number;
  failure?: string;
  /** The conversation cannot go on (it finished, or its socket closed). */
  over?: boolean;
}

/**
 * Runs the clients at once, each through its conversations one after another, `turns` turns each,
 * and tallies every turn.
 */
export async function runClients<C>(
  clients: C[][],
  turns: number,
  turn: (conversation: C, index: number) => Promise<TurnOutcome>,
): Promise<TurnTally> {
  const tally = new TurnTally();
  await Promise.all(
    clients.map(async (conversations) => {
      for (const conversation of conversations) {
        for (let index = 0; index < turns; index++) {
          const outcome = await turn(conversation, index);
          tally.record(outcome.ms, outcome.failure);
          if (outcome.over) break;
        }
      }
    }),
  );
  return tally;
}
