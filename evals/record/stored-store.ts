import { existsSync } from "node:fs";
import { openStore } from "../../server/compose.js";
import { loadConfig } from "../../server/config.js";
import type { Store } from "../../store/index.js";

/** Ends a command with `message` on stderr and exit status 2. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/**
 * The store the server is configured with (STORE, DATA_DIR, SQLITE_PATH, …), or the SQLite file
 * of another data folder; a command that reads a store never makes an empty one.
 */
export async function openStoredStore(dataDir: string | undefined): Promise<Store> {
  const config = loadConfig({
    ...process.env,
    ...(dataDir ? { DATA_DIR: dataDir, SQLITE_PATH: "" } : {}),
  });
  if (config.store === "sqlite" && !existsSync(config.sqlitePath)) {
    fail(`No store at ${config.sqlitePath}`);
  }
  return openStore(config);
}
