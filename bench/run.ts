/**
 * `npm run bench`: every figure of the performance budget beside its anchor, measured in one run
 * as server CPU per operation (from /proc, over the server's whole process tree), the median of
 * several repetitions. Each phase first waits for a quiet machine. Results go to
 * bench/results/<date>.json and .md; the process exits with 1 when a goal is missed.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { waitForQuietMachine } from "./measure/quiet-machine.js";
import { parseOptions, USAGE, type PhaseName } from "./options.js";
import type { Phase, PhaseContext, PhaseOutcome } from "./phases/phase.js";
import { growthPhase } from "./phases/growth.js";
import { loadPhase } from "./phases/load.js";
import { pingPhase } from "./phases/ping.js";
import { socketsPhase } from "./phases/sockets.js";
import { tokensPhase } from "./phases/tokens.js";
import { turnsPhase } from "./phases/turns.js";
import type { BenchReport, PhaseReport } from "./report/results.js";
import { updateReadme, writeResults } from "./report/write-results.js";

const PHASES: Record<PhaseName, Phase | undefined> = {
  ping: pingPhase,
  turns: turnsPhase,
  growth: growthPhase,
  sockets: socketsPhase,
  load: loadPhase,
  tokens: tokensPhase,
};

const log = (line: string) => process.stderr.write(`${line}\n`);

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") return log(USAGE);
  const started = Date.now();
  const date = new Date().toISOString().slice(0, 10);
  const name = [
    date,
    options.quick ? "quick" : "",
    options.phases.length < 6 ? options.phases.join("-") : "",
  ]
    .filter(Boolean)
    .join("-");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const phases: PhaseReport[] = [];
  for (const phaseName of options.phases) {
    const phase = PHASES[phaseName];
    if (!phase) continue;
    log(`${phase.title} (${phase.name})`);
    const machine = await waitForQuietMachine({ ...options.wait, log });
    if (!machine.quiet) log(`  the machine is not quiet (load ${machine.load1.toFixed(2)})`);
    const ctx: PhaseContext = {
      options,
      sizes: options.sizes,
      repetitions: options.repetitions,
      log,
      profileFile: (profile) =>
        path.join(options.outDir, "profiles", `${stamp}-${profile}.cpuprofile`),
    };
    const phaseStarted = Date.now();
    const outcome = await phase.run(ctx).catch((err: unknown): PhaseOutcome => {
      log(`  ${phase.name} failed: ${(err as Error).stack ?? String(err)}`);
      return { rows: [], notes: [], skipped: `failed: ${(err as Error).message.split("\n")[0]}` };
    });
    phases.push({
      phase: phase.name,
      title: phase.title,
      startedAt: new Date(phaseStarted).toISOString(),
      seconds: (Date.now() - phaseStarted) / 1000,
      machine,
      ...outcome,
    });
  }
  const report: BenchReport = {
    date,
    commit: commit(),
    node: process.version,
    cpus: os.cpus().length,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    seconds: (Date.now() - started) / 1000,
    phases,
  };
  const markdown = writeResults(report, options.outDir, name);
  if (options.updateReadme) updateReadme(report, path.join(options.outDir, `${name}.md`));
  process.stdout.write(`${markdown}\n`);
  log(`results: ${path.join(options.outDir, name)}.json and .md`);
  const missed = phases.flatMap((p) => p.rows).filter((r) => r.met === false);
  const failed = phases.filter((p) => p.skipped?.startsWith("failed"));
  process.exitCode = missed.length > 0 || failed.length > 0 ? 1 : 0;
}

await main();
