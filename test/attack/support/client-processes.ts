import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What the learners' process writes once the server first answers one of them "busy". */
export const SATURATED = "saturated";

export interface FloodOutcome {
  answers: number;
  byKind: Record<string, number>;
  closeCode?: number;
}

export interface LearnersOutcome {
  byKind: Record<string, number>;
  /** How long each "busy" answer took to arrive, in ms. */
  busyMs: number[];
}

/**
 * Runs a client script in its own process and resolves with the JSON it prints. It runs at a
 * lower priority: on a real server the load comes from other machines, and here it must not take
 * the CPU the server and the measuring test share with it.
 */
function runClients<T>(
  script: string,
  env: Record<string, string>,
  onError: (stderr: string) => void = () => {},
): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn("nice", ["-n", "10", process.execPath, "--import", "tsx", path], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    onError(err);
  });
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`${script} exited with ${code}: ${err}`));
    });
  });
}

/** Each socket sends `frames` messages at once; resolves with each socket's outcome. */
export function runFlooder(urls: string[], frames: number, text: string): Promise<FloodOutcome[]> {
  return runClients("./flooder.ts", {
    FLOOD_URLS: JSON.stringify(urls),
    FLOOD_FRAMES: String(frames),
    FLOOD_TEXT: text,
  });
}

/**
 * Each socket talks as fast as it is answered for `ms`. `saturated` resolves once the server has
 * first answered one of them "busy" (or once they are done, if it never did).
 */
export function runLearners(
  urls: string[],
  ms: number,
): { done: Promise<LearnersOutcome>; saturated: Promise<void> } {
  let busy = () => {};
  const firstBusy = new Promise<void>((resolve) => (busy = resolve));
  const done = runClients<LearnersOutcome>(
    "./learners.ts",
    { LEARNER_URLS: JSON.stringify(urls), LEARNER_MS: String(ms) },
    (stderr) => stderr.includes(SATURATED) && busy(),
  );
  const saturated = Promise.race([
    firstBusy,
    done.then(
      () => undefined,
      () => undefined,
    ),
  ]);
  return { done, saturated };
}
