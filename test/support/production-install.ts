import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run("npm", ["--no-audit", "--no-fund", ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });

const SQLITE_ADDON = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
export const versionOf = (root: string, pkg: string): string =>
  (
    JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

export interface InstallOptions {
  /** Swap uWebSockets.js for the production build, as the image does. */
  productionUws?: boolean;
  /** better-sqlite3's addon for the Node that will run the install; this checkout's by default. */
  sqliteAddon?: string;
}

/**
 * What a production image does, in the folder `app`: the build's output, the lock file, and
 * `npm ci --omit=dev`. One shortcut: better-sqlite3's install script downloads a prebuilt addon
 * from GitHub, which this machine cannot reach, and then compiles it from source (about 90 s on two
 * cores). The folder installs with --ignore-scripts instead and gets an addon already built for the
 * same better-sqlite3 version; no other production package needs its install script (see
 * `allowScripts` in package.json).
 */
export async function installForProduction(app: string, options: InstallOptions = {}) {
  await npm(["run", "build", "--", "--out-dir", join(app, "dist")], ROOT);
  for (const file of ["package.json", "package-lock.json"]) {
    copyFileSync(join(ROOT, file), join(app, file));
  }
  if (options.productionUws)
    await run("sh", [join(ROOT, "deploy/use-node24-uws.sh")], { cwd: app });
  await npm(["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline"], app);
  if (versionOf(app, "better-sqlite3") !== versionOf(ROOT, "better-sqlite3")) {
    throw new Error("the production install's better-sqlite3 differs from this checkout's");
  }
  mkdirSync(dirname(join(app, SQLITE_ADDON)), { recursive: true });
  copyFileSync(options.sqliteAddon ?? join(ROOT, SQLITE_ADDON), join(app, SQLITE_ADDON));
}
