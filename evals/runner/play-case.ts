import { isDeepStrictEqual } from "node:util";
import type { EvalCase } from "./case-schema.js";
import { ConversationDriver } from "./conversation-driver.js";
import { isServerFrame } from "./frame-log.js";
import type { Harness } from "./harness.js";
import { readTurns, type SentTurn } from "./read-turns.js";
import { seedCase } from "./seed.js";
import type { CaseTrace, StepTrace, ThreadValues } from "./trace.js";

interface StatefulGraph {
  getState(config: { configurable: { thread_id: string } }): Promise<{ values: unknown }>;
}

/** The transcript and turn path: the trace has them already, turn by turn. */
const OMITTED = new Set(["messages", "turn_path"]);

/** The thread's graph state without what the trace holds elsewhere. */
async function threadValues(graph: StatefulGraph, threadId: string): Promise<ThreadValues> {
  const { values } = await graph.getState({ configurable: { thread_id: threadId } });
  return Object.fromEntries(
    Object.entries((values ?? {}) as ThreadValues).filter(([key]) => !OMITTED.has(key)),
  );
}

function diffValues(before: ThreadValues, after: ThreadValues): StepTrace["state_diff"] {
  const diff: StepTrace["state_diff"] = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, is] = [before[key] ?? null, after[key] ?? null];
    if (!isDeepStrictEqual(was, is)) diff[key] = { before: was, after: is };
  }
  return diff;
}

/**
 * Seeds the case, opens its socket and plays its turns against the running server, then reads
 * back each turn's path and trajectory from the thread and the final state from the store.
 */
export async function playCase(
  harness: Harness,
  evalCase: EvalCase,
  timeoutMs: number,
): Promise<Omit<CaseTrace, "server_log" | "misses">> {
  const seeded = await seedCase(harness, evalCase);
  const graph = evalCase.agent === "commander" ? harness.graphs.commander : harness.graphs.ally;
  const driver = new ConversationDriver({
    ws: harness.ws,
    path: seeded.path,
    token: seeded.token,
    agent: evalCase.agent,
    allEvents: evalCase.agent === "commander" && evalCase.connection.events === "all",
    isFinished: seeded.isFinished,
    timeoutMs,
  });
  const inputs: StepTrace["input"][] = [{ connect: true }, ...evalCase.turns];
  const steps: StepTrace[] = [];
  let before: ThreadValues = {};
  for (const [index, input] of inputs.entries()) {
    driver.startStep(index);
    let error: string | undefined;
    try {
      if ("connect" in input) await driver.open();
      else if ("reconnect" in input) await driver.reconnect();
      else await driver.say(input.user);
    } catch (err) {
      error = (err as Error).message;
    }
    const state = await threadValues(graph, seeded.threadId);
    steps.push({
      index,
      input,
      path: [],
      trajectory: [],
      state,
      state_diff: diffValues(before, state),
      error,
    });
    before = state;
  }
  await driver.close();

  const frames = driver.sink.entries;
  const sent: SentTurn[] = steps.flatMap((step) =>
    "user" in step.input
      ? [
          {
            step: step.index,
            text: step.input.user,
            failed:
              step.error !== undefined ||
              frames.some(
                (e) => e.step === step.index && isServerFrame(e) && e.frame.type === "error",
              ),
          },
        ]
      : [],
  );
  const turns = await readTurns(graph, seeded.threadId, sent);
  for (const step of steps) {
    const turn = turns.get(step.index);
    if (turn) Object.assign(step, turn);
  }
  return {
    steps,
    frames,
    trajectory: steps.flatMap((s) => s.trajectory),
    checkpoints: seeded.checkpoints,
    stored: await seeded.outcome(),
  };
}
