import type { ProfileSummary } from "../measure/cpu-profile.js";
import type { MachineState } from "../measure/quiet-machine.js";
import type { Measured } from "../measure/stats.js";

/** One row of the table: a figure beside its anchors, and whether it meets its goal. */
export interface Row {
  figure: string;
  value: string;
  anchor: string;
  ratio: string;
  goal: string;
  /** Undefined when the row has no goal or could not be measured. */
  met: boolean | undefined;
  /** Why a goal was missed, or what limits the figure. */
  notes: string[];
  profile?: ProfileSummary;
  /** The measurements behind the row, for whoever reads the JSON. */
  data: Record<string, unknown>;
}

export interface PhaseReport {
  phase: string;
  title: string;
  startedAt: string;
  seconds: number;
  machine: MachineState;
  rows: Row[];
  notes: string[];
  /** Why the phase did not run. */
  skipped?: string;
}

export interface BenchReport {
  date: string;
  commit: string;
  node: string;
  cpus: number;
  command: string;
  seconds: number;
  phases: PhaseReport[];
}

const decimals = (n: number) => (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
export const num = (n: number) => n.toFixed(decimals(n));

/** "7.20 µs (7.01–7.46)": the median and the range of the repetitions. */
export function show(m: Measured, unit: string): string {
  const spread = m.samples.length > 1 ? ` (${num(m.min)}–${num(m.max)})` : "";
  return `${num(m.median)} ${unit}${spread}`;
}

export function showRatio(m: Measured, against: string): string {
  if (!m.samples.every(Number.isFinite)) return "–";
  const spread = m.samples.length > 1 ? ` (${num(m.min)}–${num(m.max)})` : "";
  return `${num(m.median)}×${spread} ${against}`.trim();
}
