import { openLearner } from "../learner/index.js";
import type { CaseResult } from "../report/results.js";
import { openJudge, scoreCase } from "../scorers/index.js";
import { startHarness, type Harness } from "./harness.js";
import type { LoadedCase } from "./load-suite.js";
import { openCaseModels, type CaseModels, type ModelPlan } from "./models.js";
import { playCase } from "./play-case.js";
import { itemLabel } from "./trace.js";

export interface CaseRunOptions {
  plan: ModelPlan;
  promptsDir?: string;
  /** How long one reply may take. */
  timeoutMs: number;
}

/**
 * Runs one case on its own server: models (and cassette) for the case, the conversation over a
 * real socket, then every check. A case that cannot run at all comes back as `error`.
 */
export async function runCase(loaded: LoadedCase, options: CaseRunOptions): Promise<CaseResult> {
  const evalCase = loaded.case;
  const started = performance.now();
  const base = {
    id: evalCase.id,
    agent: evalCase.agent,
    description: evalCase.description,
    tags: evalCase.tags,
    source: loaded.source,
    content_hash: loaded.content_hash,
    ...(Object.keys(loaded.fixtures).length > 0 ? { fixtures: loaded.fixtures } : {}),
    ...(evalCase.expect.trajectory
      ? {
          expected_trajectory: {
            match: evalCase.expect.trajectory.match,
            steps: evalCase.expect.trajectory.steps.map(
              (step) => `${itemLabel(step)}${step.args ? ` ${JSON.stringify(step.args)}` : ""}`,
            ),
          },
        }
      : {}),
  };
  let models: CaseModels | undefined;
  let harness: Harness | undefined;
  try {
    models = await openCaseModels(options.plan, loaded.cassette);
    harness = await startHarness({ env: models.env, promptsDir: options.promptsDir });
    const simulates = evalCase.turns.some((turn) => "simulate" in turn);
    const learner = simulates ? await openLearner(options.plan, loaded.learnerCassette) : undefined;
    const played = await playCase(harness, evalCase, options.timeoutMs, learner?.learner).finally(
      () => learner?.stop(),
    );
    const serverLog = harness.problems;
    await harness.stop();
    harness = undefined;
    // In record mode, stopping writes the cassette.
    await models.stop();
    const trace = { ...played, server_log: serverLog, misses: models.misses };
    models = undefined;
    const judge = await openJudge(options.plan, loaded.judgeCassette);
    const checks = await scoreCase(evalCase, trace, {
      replayed: options.plan.mode === "replay" && !options.plan.upstream,
      judge,
    }).finally(() => judge.stop());
    return {
      ...base,
      status: checks.some((c) => c.status === "fail") ? "fail" : "pass",
      checks,
      trajectory: trace.trajectory.map(itemLabel),
      duration_ms: Math.round(performance.now() - started),
      trace,
    };
  } catch (err) {
    return {
      ...base,
      status: "error",
      error: (err as Error).message,
      checks: [],
      trajectory: [],
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await harness?.stop();
    await models?.stop();
  }
}
