import os from "node:os";

export interface MachineState {
  /** 1-minute load average when the phase started. */
  load1: number;
  quiet: boolean;
  waitedSeconds: number;
}

export interface QuietOptions {
  maxLoad: number;
  timeoutSeconds: number;
  /** Start at once, only recording the load. */
  noWait: boolean;
  log: (line: string) => void;
}

/**
 * Waits until the 1-minute load average drops under `maxLoad` (other work would steal CPU from the
 * processes measured), or the timeout passes; either way the phase then runs, and its results say
 * whether the machine was quiet.
 */
export async function waitForQuietMachine(options: QuietOptions): Promise<MachineState> {
  const started = Date.now();
  const load = () => os.loadavg()[0] ?? 0;
  let announced = false;
  while (!options.noWait && load() >= options.maxLoad) {
    const waited = (Date.now() - started) / 1000;
    if (waited >= options.timeoutSeconds) break;
    if (!announced) {
      options.log(
        `  waiting for a quiet machine (load ${load().toFixed(2)} ≥ ${options.maxLoad}, up to ${options.timeoutSeconds} s)`,
      );
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  const load1 = load();
  return {
    load1,
    quiet: load1 < options.maxLoad,
    waitedSeconds: Math.round((Date.now() - started) / 1000),
  };
}
