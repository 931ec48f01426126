import type { BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { TranscriptEntry } from "../../domain/index.js";
import { readTranscript, type TranscriptStore } from "../../store/index.js";
import { utterances, type TurnPath } from "../turn-path.js";
import type { Utterance } from "./page-data.js";

/** What reading a conversation needs from a compiled graph. */
export interface ConversationGraph {
  checkpointer?: BaseCheckpointSaver | boolean;
  getState(config: RunnableConfig): Promise<{ values: unknown }>;
}

export interface TurnStepView {
  /** The node as the xray drawing names it. */
  node: string;
  /** What the node added to the conversation. */
  said: Utterance[];
}

/** A thread's state values, the transcript and the pages' own bookkeeping left out. */
export type StateValues = Record<string, unknown>;

export interface Turn {
  /** The id of the learner's message. */
  id: string;
  learner: string;
  /** When the turn's checkpoint was written (or, for a turn the thread lacks, its message). */
  at?: string;
  /** The nodes the turn ran, in order; empty when its checkpoint holds no path. */
  steps: TurnStepView[];
  /** Messages of the turn that no recorded step accounts for. */
  unattributed: Utterance[];
  /** The graph's state once the turn was over; absent when its checkpoint is not known. */
  state?: StateValues;
}

export interface Conversation {
  threadId: string;
  turns: Turn[];
}

/** Recorded for each turn by its checkpoint. */
interface TurnRecord {
  path: TurnPath;
  checkpointId: string;
  at: string;
  state: StateValues;
}

// `messages` is the transcript, shown turn by turn; `turn_path` is shown as the turn's path;
// `transcript` marks how much of the transcript log the thread has taken in. Channels named `__…`
// are LangGraph's own.
const NOT_STATE = new Set(["messages", "turn_path", "transcript"]);

/** The values of a checkpoint that a reader of the graph's state cares about. */
export function stateValues(channelValues: Record<string, unknown>): StateValues {
  return Object.fromEntries(
    Object.entries(channelValues).filter(([key]) => !NOT_STATE.has(key) && !key.startsWith("__")),
  );
}

function saverOf(graph: ConversationGraph): BaseCheckpointSaver {
  const { checkpointer } = graph;
  if (typeof checkpointer !== "object") {
    throw new Error("Reading a conversation needs a graph compiled with a checkpointer");
  }
  return checkpointer;
}

/** The thread's own messages, in order: its latest, or those of the checkpoint `checkpointId`. */
export async function readThreadMessages(
  graph: ConversationGraph,
  threadId: string,
  checkpointId?: string,
): Promise<BaseMessage[]> {
  const configurable = {
    thread_id: threadId,
    ...(checkpointId && { checkpoint_id: checkpointId }),
  };
  const state = await graph.getState({ configurable });
  return ((state.values ?? {}) as { messages?: BaseMessage[] }).messages ?? [];
}

/**
 * The learner's first message in the conversation, if there is one: from its transcript log when
 * given one (the thread's dialogue keeps only recent turns), else from the thread.
 */
export async function readOpening(
  graph: ConversationGraph,
  threadId: string,
  transcripts?: TranscriptStore,
): Promise<string | undefined> {
  const [first] = transcripts ? await transcripts.list(threadId, { limit: 1 }) : [];
  if (first) return first.role === "learner" ? first.text : undefined;
  return (await readThreadMessages(graph, threadId)).find((m) => m.type === "human")?.text;
}

/** The thread's latest state values, or undefined for a thread with no checkpoint yet. */
export async function readCurrentState(
  graph: ConversationGraph,
  threadId: string,
): Promise<StateValues | undefined> {
  const tuple = await saverOf(graph).getTuple({ configurable: { thread_id: threadId } });
  return tuple && stateValues(tuple.checkpoint.channel_values);
}

/**
 * Each turn's path, time and resulting state, by the id of its learner message. Turns leave one
 * checkpoint each, so these come from the checkpoints themselves: `getStateHistory` would rebuild
 * every turn's transcript too, which grows with the square of the conversation.
 */
async function readTurnRecords(
  saver: BaseCheckpointSaver,
  threadId: string,
): Promise<Map<string, TurnRecord>> {
  const records = new Map<string, TurnRecord>();
  // Newest first, so the first checkpoint seen for a turn is the one it ended with.
  for await (const { checkpoint } of saver.list({
    configurable: { thread_id: threadId, checkpoint_ns: "" },
  })) {
    const path = checkpoint.channel_values.turn_path as TurnPath | undefined;
    if (!path?.turn || records.has(path.turn)) continue;
    records.set(path.turn, {
      path,
      checkpointId: checkpoint.id,
      at: checkpoint.ts,
      state: stateValues(checkpoint.channel_values),
    });
  }
  return records;
}

interface ThreadTurn {
  id: string;
  learner: string;
  replies: BaseMessage[];
}

function splitTurns(messages: BaseMessage[]): ThreadTurn[] {
  const turns: ThreadTurn[] = [];
  for (const message of messages) {
    if (message.type === "human") {
      turns.push({ id: message.id ?? "", learner: message.text, replies: [] });
    } else {
      const current = turns.at(-1) ?? { id: "", learner: "", replies: [] };
      if (turns.length === 0) turns.push(current);
      current.replies.push(message);
    }
  }
  return turns;
}

interface LoggedTurn {
  id: string;
  learner: string;
  at?: string;
  replies: TranscriptEntry[];
}

/** The transcript's turns: each learner message with the replies shown for it. */
function loggedTurns(entries: TranscriptEntry[]): LoggedTurn[] {
  const turns = new Map<string, LoggedTurn>();
  for (const entry of entries) {
    let turn = turns.get(entry.turn_id);
    if (!turn) {
      turn = { id: entry.turn_id, learner: "", replies: [] };
      turns.set(entry.turn_id, turn);
    }
    if (entry.role === "learner") {
      turn.learner = entry.text;
      turn.at = entry.at;
    } else turn.replies.push(entry);
  }
  return [...turns.values()];
}

/**
 * A conversation turn by turn, with the nodes each turn ran and the state it left. With
 * `transcripts`, the turns and what the learner saw come from the conversation's transcript log,
 * so every turn is there, however long ago (the thread's dialogue is bounded), and so is a turn the
 * thread never took in (cut short by a crash). What each node said and called comes from its
 * turn's recorded path; turns recorded before the path kept it are read from the thread's messages,
 * as the newest such turn's checkpoint holds them. Without a transcript (or before one was
 * written) the thread's own messages are the turns.
 */
export async function readConversation(
  graph: ConversationGraph,
  threadId: string,
  transcripts?: TranscriptStore,
): Promise<Conversation> {
  const saver = saverOf(graph);
  const [records, logged] = await Promise.all([
    readTurnRecords(saver, threadId),
    transcripts ? readTranscript(transcripts, threadId).then(loggedTurns) : [],
  ]);
  const legacy = [...records.values()].find((r) => r.path.steps.some((step) => !step.said));
  const messages =
    logged.length === 0
      ? await readThreadMessages(graph, threadId)
      : legacy
        ? await readThreadMessages(graph, threadId, legacy.checkpointId)
        : [];
  const inThread = new Map(splitTurns(messages).map((turn) => [turn.id, turn]));

  const turnOf = (id: string, learner: string, shown: Utterance[], at?: string): Turn => {
    const recorded = records.get(id);
    const replies = inThread.get(id)?.replies ?? [];
    let next = 0;
    const steps = (recorded?.path.steps ?? []).map((step) => {
      const own = replies.slice(next, next + step.messages);
      next += step.messages;
      return { node: step.node, said: step.said ?? own.flatMap(utterances) };
    });
    const unattributed = !recorded
      ? shown
      : inThread.has(id)
        ? replies.slice(next).flatMap(utterances)
        : [];
    return { id, learner, at: recorded?.at ?? at, steps, unattributed, state: recorded?.state };
  };

  if (logged.length === 0) {
    const turns = [...inThread.values()].map((turn) =>
      turnOf(turn.id, turn.learner, turn.replies.flatMap(utterances)),
    );
    return { threadId, turns };
  }
  const turns = logged.map((turn) =>
    turnOf(
      turn.id,
      turn.learner,
      turn.replies.map((reply): Utterance => ({ kind: "say", text: reply.text })),
      turn.at,
    ),
  );
  return { threadId, turns };
}
