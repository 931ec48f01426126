import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stopOnInterrupt } from "./on-interrupt.js";

const HOOKS = fileURLToPath(new URL("./server-hooks.ts", import.meta.url));
const OUTPUT_KEPT = 200_000;
/** What servers print once they listen: the product's start-up log line, or the anchors' own. */
const LISTENING = /"msg":"listening".*?"port":(\d+)/;

export interface NodeProcessOptions {
  env?: Record<string, string>;
  /** Loads the bench's IPC hooks (garbage collection, CPU profiles) into the process. */
  hooks?: boolean;
  /** Raises the soft limit on open files to this many before Node starts. */
  fileLimit?: number;
  /** A line that says the process is ready; the first group, if any, is its port. */
  ready?: RegExp;
  timeoutMs?: number;
}

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The tail of what it printed. */
  output(): string;
  /** Sends an IPC message and resolves with the next one it sends back. */
  call<T>(message: object): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point (relative to the project root) in its own Node process, the way the
 * bench measures it: nothing else in its process tree, and its CPU read from /proc.
 */
export async function startNodeProcess(
  entry: string,
  options: NodeProcessOptions = {},
): Promise<NodeProcess> {
  const nodeArgs = [
    "--import",
    "tsx",
    ...(options.hooks ? ["--expose-gc", "--import", HOOKS] : []),
  ];
  const argv = [process.execPath, ...nodeArgs, path.resolve(entry)];
  const [command, args] = options.fileLimit
    ? ["sh", ["-c", `ulimit -n ${options.fileLimit} && exec "$@"`, "sh", ...argv]]
    : [argv[0]!, argv.slice(1)];
  const child = spawn(command as string, args as string[], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ready = options.ready ?? LISTENING;
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start:\n${output}`)),
      options.timeoutMs ?? 60_000,
    );
    const check = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off("data", check);
      child.stderr!.off("data", check);
      resolve(Number(match[1] ?? 0));
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${child.exitCode ?? child.signalCode}:\n${output}`));
    });
  });
  const port = await listening.catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });

  return {
    child,
    pid: child.pid!,
    port,
    output: () => output,
    call<T>(message: object) {
      return new Promise<T>((resolve, reject) => {
        const onExit = () => reject(new Error(`${entry} exited:\n${output.slice(-2000)}`));
        child.once("exit", onExit);
        child.once("message", (reply: T & { error?: string }) => {
          child.off("exit", onExit);
          if (reply.error) reject(new Error(`${entry}: ${reply.error}`));
          else resolve(reply);
        });
        child.send(message);
      });
    },
    stop: stopOnInterrupt(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }),
  };
}
