// `npm run fuzz [-- --inputs N --seed S]`: the attack fuzzer for longer than `npm test` runs it,
// against a server process of its own, printing what became of every input.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startLiveServer } from "../support/live-server.js";
import { runFuzz, type FuzzReport } from "./run-fuzz.js";
import { buildWorld } from "./world.js";

const MAX_FRAME_BYTES = 4096;

function print(report: FuzzReport): void {
  const health = [...report.health].sort((a, b) => a - b);
  const at = (p: number) =>
    health[Math.min(health.length - 1, Math.floor(health.length * p))] ?? NaN;
  console.log(
    `\n${report.tried} inputs in ${report.seconds.toFixed(1)} s (seed ${report.seed}); ` +
      `${report.conversations} whole conversations between them; ` +
      `/health p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms\n`,
  );
  const rows = Object.entries(report.outcomes).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([category]) => category.length));
  for (const [category, outcomes] of rows) {
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const detail = Object.entries(outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, n]) => `${outcome} ×${n}`)
      .join(", ");
    console.log(`${category.padEnd(width)}  ${String(total).padStart(7)}  ${detail}`);
  }
  console.log(
    report.failures.length === 0
      ? "\nNo input was mishandled."
      : `\n${report.failures.length} mishandled:\n${report.failures.map((f) => `  #${f.input} ${f.category}: ${f.detail}`).join("\n")}`,
  );
}

const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "200000" },
    seed: { type: "string", default: String(Date.now() % 2 ** 31) },
  },
});
const dataDir = mkdtempSync(join(tmpdir(), "learnforge-fuzz-"));
const server = await startLiveServer({
  DATA_DIR: dataDir,
  MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
});
try {
  const report = await runFuzz({
    world: await buildWorld(server, dataDir),
    inputs: Number(values.inputs),
    seed: Number(values.seed),
    maxFrameBytes: MAX_FRAME_BYTES,
    onProgress: (tried) => process.stderr.write(`\r${tried} inputs`),
  });
  print(report);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
} finally {
  await server.stop();
}
