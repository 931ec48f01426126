import { spawn } from "node:child_process";

export interface FirestoreTarget {
  projectId: string;
  databaseId: string;
  emulatorHost: string;
}

/**
 * Leaves the lock of a dead transaction on `path`, as a server killed mid-transaction does: a
 * process reads the document inside a transaction and is killed with SIGKILL there. The emulator
 * keeps such a lock for about 70 s.
 */
export async function leaveStaleLock(target: FirestoreTarget, path: string): Promise<void> {
  const args = [target.projectId, target.databaseId, target.emulatorHost, path];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/support/stale-lock-holder.ts", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("inside")) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`the lock holder exited (${code}):\n${output}`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
