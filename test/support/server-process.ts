import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

export interface ServerCommand {
  /** This process's Node by default. */
  executable?: string;
  /** Its arguments; by default `server/main.ts` through tsx, the way `npm start` runs it. */
  args?: string[];
  cwd?: string;
  /** The environment starts empty but for PATH and HOME, rather than inheriting this process's. */
  cleanEnv?: boolean;
}

/** Runs the server as its own process and waits until it listens. */
export async function startServerProcess(
  env: Record<string, string>,
  command: ServerCommand = {},
): Promise<ServerProcess> {
  const base = command.cleanEnv
    ? { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }
    : process.env;
  const executable = command.executable ?? process.execPath;
  const child = spawn(executable, command.args ?? ["--import", "tsx", "server/main.ts"], {
    cwd: command.cwd,
    env: { ...base, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output.join("")}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /"msg":"listening".*"port":(\d+)/.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`server exited with ${code}:\n${output.join("")}`)),
    );
  });
  return { child, port, output, exited };
}

/**
 * Resolves once the process's output so far satisfies `check`, checked on every chunk it writes;
 * fails if it exits first or after `timeoutMs`.
 */
export function untilOutput(
  server: ServerProcess,
  check: (output: string) => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const streams = [server.child.stdout, server.child.stderr];
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      for (const stream of streams) stream?.off("data", onData);
      server.child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    // Listeners added here run after the one that appends the chunk to `output`.
    const onData = () => check(server.output.join("")) && done();
    const onExit = () => done(new Error(`the server exited first:\n${server.output.join("")}`));
    const timer = setTimeout(
      () => done(new Error(`timed out waiting on the server's output:\n${server.output.join("")}`)),
      timeoutMs,
    );
    for (const stream of streams) stream?.on("data", onData);
    server.child.once("exit", onExit);
    if (check(server.output.join(""))) done();
    else if (server.child.exitCode !== null || server.child.signalCode !== null) onExit();
  });
}

/** Stops a server process started here, if it still runs, and waits for it to exit. */
export async function stopServerProcess(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  await server.exited;
}
