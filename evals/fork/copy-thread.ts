import type { RunnableConfig } from "@langchain/core/runnables";
import { readTranscript, type Store } from "../../store/index.js";

/** What copying a thread needs from a compiled graph: its public state API. */
export interface CopyableGraph {
  getStateHistory(config: RunnableConfig): AsyncIterableIterator<{ values: unknown }>;
  updateState(
    config: RunnableConfig,
    values: Record<string, unknown>,
    asNode?: string,
  ): Promise<RunnableConfig>;
}

const threadConfig = (threadId: string) => ({ configurable: { thread_id: threadId } });

interface RecordedPath {
  turn_path?: { turn?: unknown; steps?: { node?: unknown }[] };
}

/** The id of the learner message whose turn left this state, as the state records it. */
const turnOf = (values: unknown) => (values as RecordedPath | undefined)?.turn_path?.turn;

/**
 * The top-level node that ran last in the turn (`mission_sensei` for `mission_sensei:teach`).
 * Writing the turn's state as that node leaves the copy where the original stood: its edges,
 * routed on that same state, lead to the end of the turn, so no step is left pending.
 */
function lastNodeOf(values: unknown): string | undefined {
  const node = (values as RecordedPath | undefined)?.turn_path?.steps?.at(-1)?.node;
  return typeof node === "string" ? node.split(":")[0] : undefined;
}

/**
 * Copies a conversation's first turns into another thread, one checkpoint per turn as the original
 * has, through the graphs' public state API: the state each of `turnIds` left is read from the
 * source's history and written to the target with `updateState`, as the node that ran last in
 * the turn. The source is only read. Turns
 * the thread never took in (cut short by a crash) have no state of their own; their messages reach
 * the next turn through the transcript, as they did in the original.
 */
export async function copyTurns(
  source: CopyableGraph,
  sourceThread: string,
  target: CopyableGraph,
  targetThread: string,
  turnIds: readonly string[],
): Promise<number> {
  const wanted = new Set(turnIds);
  const states = new Map<string, Record<string, unknown>>();
  // Newest first, so the first state seen for a turn is the one it ended with.
  for await (const snapshot of source.getStateHistory(threadConfig(sourceThread))) {
    const turn = turnOf(snapshot.values);
    if (typeof turn === "string" && wanted.has(turn) && !states.has(turn)) {
      states.set(turn, snapshot.values as Record<string, unknown>);
    }
  }
  let copied = 0;
  for (const turn of turnIds) {
    const values = states.get(turn);
    if (!values) continue;
    await target.updateState(threadConfig(targetThread), values, lastNodeOf(values));
    copied++;
  }
  return copied;
}

/** Copies the transcript log entries of `turnIds` (what the learner saw of them) to another thread. */
export async function copyTranscript(
  from: Store,
  sourceThread: string,
  to: Store,
  targetThread: string,
  turnIds: readonly string[],
): Promise<void> {
  const wanted = new Set(turnIds);
  const entries = (await readTranscript(from.transcripts, sourceThread))
    .filter((entry) => wanted.has(entry.turn_id))
    .map(({ id, role, agent, node, text, turn_id }) => ({ id, role, agent, node, text, turn_id }));
  if (entries.length > 0) await to.transcripts.append(targetThread, entries);
}
