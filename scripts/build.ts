// Compiles the server to JavaScript for production: `dist/` mirrors the source folders, with the
// files the server reads from disk at run time (prompts/, web/) copied beside the code that reads
// them relative to itself. The web app's sources stay TypeScript (the server bundles them when a
// page first asks); the client library they import is compiled with the server. Run
// `node dist/server/main.js` from anywhere.
//
//   npm run build [-- --out-dir <folder>]

import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ASSETS = ["prompts", "web"];

const { values } = parseArgs({ options: { "out-dir": { type: "string", default: "dist" } } });
const outDir = resolve(ROOT, values["out-dir"]);

rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", outDir], {
  stdio: "inherit",
});
for (const folder of ASSETS) cpSync(join(ROOT, folder), join(outDir, folder), { recursive: true });
process.stdout.write(`built ${outDir}\n`);
