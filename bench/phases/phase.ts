import type { BenchOptions, PhaseName, Sizes } from "../options.js";
import type { Row } from "../report/results.js";

export interface PhaseContext {
  options: BenchOptions;
  sizes: Sizes;
  repetitions: number;
  log(line: string): void;
  /** A file for the CPU profile named `name` of this run. */
  profileFile(name: string): string;
}

export interface PhaseOutcome {
  rows: Row[];
  notes: string[];
  /** Why the phase could not run (its rows are then absent). */
  skipped?: string;
}

export interface Phase {
  name: PhaseName;
  title: string;
  run(ctx: PhaseContext): Promise<PhaseOutcome>;
}

/** Runs `work` once per repetition, in order, logging progress. */
export async function repeat<T>(
  ctx: PhaseContext,
  label: string,
  work: (rep: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let rep = 0; rep < ctx.repetitions; rep++) {
    ctx.log(`  ${label}: repetition ${rep + 1}/${ctx.repetitions}`);
    results.push(await work(rep));
  }
  return results;
}
