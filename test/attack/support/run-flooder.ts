import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface FloodOutcome {
  answers: number;
  byKind: Record<string, number>;
  closeCode?: number;
}

const SCRIPT = fileURLToPath(new URL("./flooder.ts", import.meta.url));

/**
 * Runs the flooder in its own process, resolving with each socket's outcome once it is done. It
 * runs at a lower priority: on a real server the flood comes from other machines, and here it
 * must not take the CPU the server and the measuring test share with it.
 */
export function runFlooder(urls: string[], frames: number, text: string): Promise<FloodOutcome[]> {
  const child = spawn("nice", ["-n", "10", process.execPath, "--import", "tsx", SCRIPT], {
    env: {
      ...process.env,
      FLOOD_URLS: JSON.stringify(urls),
      FLOOD_FRAMES: String(frames),
      FLOOD_TEXT: text,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as FloodOutcome[]);
      else reject(new Error(`flooder exited with ${code}: ${err}`));
    });
  });
}
