import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import {
  FIRESTORE_EMULATOR_MAIN,
  findFirestoreEmulatorJar,
  findJava,
} from "./emulator-binaries.js";

const HOST = "127.0.0.1";

/** Free loopback ports, held open together so that they are distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once("error", reject);
          server.listen(0, HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Starts a process in its own process group, logging to `<name>.log` in `dir` and leaving
 * `<name>.exit` there when it ends, so that whoever waits for it can tell a crash from a slow start.
 */
function startInGroup(
  name: string,
  command: string,
  args: string[],
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const log = fs.openSync(path.join(dir, `${name}.log`), "a");
  const child = spawn(command, args, {
    cwd: dir,
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  child.once("exit", (code, signal) => {
    fs.writeFileSync(path.join(dir, `${name}.exit`), `${code ?? signal}`);
  });
  return child;
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Stops a whole process group (wrappers do not exec java), escalating to SIGKILL after 5 s. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The Firestore emulator, run straight from its jar: firebase-tools 15 refuses to start its Java
 * emulators on Java < 21, and the jar runs on 11 and later. Fails at once, saying how to install
 * them, when Java or the emulator is missing. Without `rulesFile`, client access is open.
 */
export function startFirestoreEmulator(
  dir: string,
  projectId: string,
  port: number,
  rulesFile?: string,
): ChildProcess {
  const java = findJava();
  const jar = findFirestoreEmulatorJar();
  return startInGroup(
    "firestore",
    java,
    [
      "-Duser.language=en",
      "-cp",
      jar,
      FIRESTORE_EMULATOR_MAIN,
      "--host",
      HOST,
      "--port",
      String(port),
      "--project_id",
      projectId,
      "--single_project_mode",
      "true",
      ...(rulesFile ? ["--rules", rulesFile] : []),
    ],
    dir,
  );
}

/** The Auth emulator (plain Node) under firebase-tools, with the UI off and every port chosen. */
export function startAuthEmulator(
  dir: string,
  projectId: string,
  ports: { auth: number; hub: number; logging: number },
): ChildProcess {
  fs.writeFileSync(
    path.join(dir, "firebase.json"),
    JSON.stringify({
      emulators: {
        ui: { enabled: false },
        auth: { host: HOST, port: ports.auth },
        hub: { host: HOST, port: ports.hub },
        logging: { host: HOST, port: ports.logging },
        singleProjectMode: true,
      },
    }),
  );
  const cli = createRequire(import.meta.url).resolve("firebase-tools/lib/bin/firebase.js");
  return startInGroup(
    "auth",
    process.execPath,
    [cli, "emulators:start", "--only", "auth", "--project", projectId],
    dir,
    // CI skips the CLI's message-of-the-day fetch and update check: nothing leaves the machine.
    { ...process.env, CI: "1", NO_UPDATE_NOTIFIER: "1", TMPDIR: dir },
  );
}

/** Resolves once `host` answers HTTP; fails with the log's tail if the process exits or stalls. */
export async function untilAnswering(
  name: string,
  host: string,
  dir: string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exit = path.join(dir, `${name}.exit`);
  for (;;) {
    try {
      await fetch(`http://${host}/`);
      return;
    } catch {
      // Not listening yet.
    }
    if (fs.existsSync(exit) || Date.now() > deadline) {
      const why = fs.existsSync(exit)
        ? `exited (${fs.readFileSync(exit, "utf8")})`
        : `did not answer within ${timeoutMs / 1000} s`;
      const logFile = path.join(dir, `${name}.log`);
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
      throw new Error(
        `The ${name} emulator ${why}. Its log ends with:\n${log.split("\n").slice(-30).join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
