import { isDeepStrictEqual } from "node:util";
import type { SeenLine, SimulatedLearner } from "../learner/index.js";
import type { EvalCase, Simulation } from "./case-schema.js";
import { ConversationDriver } from "./conversation-driver.js";
import { isServerFrame, type LogEntry } from "./frame-log.js";
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

/** The conversation as the learner saw it: their messages and the tutor's. */
function seenLines(entries: LogEntry[]): SeenLine[] {
  return entries.flatMap((entry): SeenLine[] => {
    if (!("frame" in entry)) return [];
    const { frame } = entry;
    if (entry.from === "client" && frame.type === "user_message") {
      return [{ speaker: "learner", text: String(frame.content ?? frame.message ?? "") }];
    }
    if (entry.from === "server" && frame.type === "agent_message") {
      return [{ speaker: "tutor", text: String(frame.message ?? frame.content ?? "") }];
    }
    return [];
  });
}

type PlayedInput = StepTrace["input"];

/**
 * The learner's messages a step stands for: the case's own, or the simulated learner's, one at a
 * time, each written after the tutor's reply to the one before, until the awaited frame comes,
 * the conversation closes, the learner has nothing left to say, or `max_turns` is reached.
 */
async function* inputsOf(
  evalCase: EvalCase,
  driver: ConversationDriver,
  learner: SimulatedLearner | undefined,
): AsyncGenerator<PlayedInput> {
  yield { connect: true };
  for (const turn of evalCase.turns) {
    if (!("simulate" in turn)) {
      yield turn;
      continue;
    }
    yield* simulated(evalCase, turn.simulate, driver, learner!);
  }
}

async function* simulated(
  evalCase: EvalCase,
  simulation: Simulation,
  driver: ConversationDriver,
  learner: SimulatedLearner,
): AsyncGenerator<PlayedInput> {
  const from = driver.sink.entries.length;
  const arrived = () =>
    simulation.until !== undefined &&
    driver.sink.entries
      .slice(from)
      .some((e) => isServerFrame(e) && e.frame.type === simulation.until);
  for (let turn = 0; turn < simulation.max_turns && !arrived() && driver.isOpen; turn += 1) {
    const text = await learner.next({
      agent: evalCase.agent,
      name: evalCase.seed.learner.name,
      persona: evalCase.seed.learner.persona!,
      transcript: seenLines(driver.sink.entries),
    });
    if (text === undefined) return;
    yield { user: text, simulated: true };
  }
}

/**
 * Seeds the case, opens its socket and plays its turns against the running server, then reads
 * back each turn's path and trajectory from the thread and the final state from the store.
 */
export async function playCase(
  harness: Harness,
  evalCase: EvalCase,
  timeoutMs: number,
  learner?: SimulatedLearner,
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
  const steps: StepTrace[] = [];
  let before: ThreadValues = {};
  let index = 0;
  for await (const input of inputsOf(evalCase, driver, learner)) {
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
    index += 1;
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
  const turns = await readTurns(graph, seeded.threadId, sent, harness.store.transcripts);
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
