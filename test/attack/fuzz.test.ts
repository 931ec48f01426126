import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFuzz, type FuzzReport } from "./fuzz/run-fuzz.js";
import { buildWorld } from "./fuzz/world.js";
import { startLiveServer, type LiveServer } from "./support/live-server.js";

const INPUTS = 20_000;
const MAX_FRAME_BYTES = 4096;

let server: LiveServer;
afterAll(() => server?.stop());

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

describe("the fuzzer", () => {
  it(`throws ${INPUTS} generated attacks at every route and both sockets; each is refused or handled, and the server keeps serving`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "learnforge-fuzz-"));
    server = await startLiveServer({
      DATA_DIR: dataDir,
      MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
    });
    const world = await buildWorld(server, dataDir);
    const report: FuzzReport = await runFuzz({
      world,
      inputs: INPUTS,
      seed: 20261130,
      maxFrameBytes: MAX_FRAME_BYTES,
    });
    const summary = JSON.stringify({ ...report, health: undefined });
    expect(report.failures, summary).toEqual([]);
    expect(report.tried).toBe(INPUTS);
    expect(Object.keys(report.outcomes).length).toBeGreaterThanOrEqual(12);
    expect(report.conversations).toBe(Math.floor(INPUTS / 5000) + 1);
    expect(percentile(report.health, 0.95)).toBeLessThan(100);
    expect(Math.max(...report.health)).toBeLessThan(1000);
    expect(server.proc.child.exitCode).toBeNull();
    // No input made the server log a fault of its own.
    expect(server.log()).not.toMatch(/"level":"error"/);
  }, 90_000);
});
