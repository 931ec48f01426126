import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "learnforge-studio-";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * A folder in the system's temporary folder for this process alone, removed when the process
 * exits or is stopped by a signal. The dev server's watcher kills a server that is slow to stop,
 * which no exit handler survives, so a new folder also removes those of processes that are gone.
 */
export function scratchFolder(): string {
  for (const name of readdirSync(tmpdir())) {
    const pid = name.startsWith(PREFIX)
      ? Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1])
      : 0;
    if (pid && pid !== process.pid && !alive(pid)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
  const folder = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const remove = () => rmSync(folder, { recursive: true, force: true });
  process.once("exit", remove);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      remove();
      // Alone, this listener would keep the process running: let the signal end it after all.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
  return folder;
}
