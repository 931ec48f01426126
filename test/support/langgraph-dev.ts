import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "./emulator-processes.js";

/** What the project copy leaves out: installed and generated files, and local data. */
const NOT_COPIED = new Set([
  ".git",
  "node_modules",
  "data",
  "coverage",
  "test-artifacts",
  "graphs-out",
  ".langgraph_api",
  "dist",
]);

export interface LanggraphDev {
  /** e.g. http://127.0.0.1:2024 */
  base: string;
  /** The project copy it runs in (and writes `.langgraph_api` into). */
  folder: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs `langgraphjs dev` (the server LangGraph Studio talks to) on the graphs `langgraph.json`
 * names, offline, and waits until it answers `/ok`. It writes its data into the project folder,
 * so it runs on a copy of the project, with `node_modules` linked.
 */
export async function startLanggraphDev(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<LanggraphDev> {
  const folder = mkdtempSync(join(tmpdir(), "learnforge-langgraph-"));
  for (const entry of readdirSync(process.cwd())) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(entry, join(folder, entry), { recursive: true, filter: (src) => !src.endsWith(".log") });
  }
  symlinkSync(join(process.cwd(), "node_modules"), join(folder, "node_modules"));
  const [port] = await freePorts(1);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    join(folder, "node_modules/.bin/langgraphjs"),
    ["dev", "--no-browser", "--host", "127.0.0.1", "--port", String(port)],
    {
      cwd: folder,
      detached: true,
      env: { ...process.env, LANGGRAPH_CLI_NO_ANALYTICS: "1", BROWSER: "none", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      process.kill(-child.pid!, "SIGTERM");
      const force = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 5_000);
      await exited.finally(() => clearTimeout(force));
    }
    rmSync(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`langgraphjs dev exited:\n${output}`);
    }
    try {
      if ((await fetch(`${base}/ok`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`langgraphjs dev did not answer /ok in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { base, folder, child, output: () => output, stop };
}
