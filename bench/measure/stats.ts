/** A figure measured several times: the median and the spread of the repetitions. */
export interface Measured {
  median: number;
  min: number;
  max: number;
  /** Every repetition, in the order it ran. */
  samples: number[];
}

export function measured(samples: number[]): Measured {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}

/** The nearest-rank percentile, `p` in 0–100. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const mean = (values: number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;

/** Counts of each kind of failure ("error: Too many messages…", "closed 1011", "timeout"). */
export type ErrorCounts = Record<string, number>;

export function countError(into: ErrorCounts, kind: string): void {
  into[kind] = (into[kind] ?? 0) + 1;
}

export function mergeErrors(...all: ErrorCounts[]): ErrorCounts {
  const merged: ErrorCounts = {};
  for (const counts of all)
    for (const [kind, n] of Object.entries(counts)) merged[kind] = (merged[kind] ?? 0) + n;
  return merged;
}

export const errorTotal = (counts: ErrorCounts) =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);
