import { isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { TurnPath } from "../turn-path.js";
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
  /** When the turn's checkpoint was written. */
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
  at: string;
  state: StateValues;
}

// `messages` is the transcript, shown turn by turn; `turn_path` is shown as the turn's path.
// Channels named `__…` are LangGraph's own.
const NOT_STATE = new Set(["messages", "turn_path"]);

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

/** The conversation's messages, in order: the one place the pages read a transcript from. */
export async function readTranscript(
  graph: ConversationGraph,
  threadId: string,
): Promise<BaseMessage[]> {
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  return ((state.values ?? {}) as { messages?: BaseMessage[] }).messages ?? [];
}

/** The learner's first message in the thread, if there is one. */
export async function readOpening(
  graph: ConversationGraph,
  threadId: string,
): Promise<string | undefined> {
  return (await readTranscript(graph, threadId)).find((m) => m.type === "human")?.text;
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
      at: checkpoint.ts,
      state: stateValues(checkpoint.channel_values),
    });
  }
  return records;
}

function utterances(message: BaseMessage): Utterance[] {
  if (message.type === "tool") return [{ kind: "tool_result", text: message.text }];
  if (!isAIMessage(message)) return [];
  const said: Utterance[] = message.text.trim() ? [{ kind: "say", text: message.text }] : [];
  for (const call of message.tool_calls ?? []) {
    said.push({ kind: "tool_call", name: call.name, args: JSON.stringify(call.args) });
  }
  return said;
}

function splitTurns(messages: BaseMessage[]) {
  const turns: { id: string; learner: string; replies: BaseMessage[] }[] = [];
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

/**
 * A thread's transcript, turn by turn, with the nodes each turn ran and the state it left. Each
 * step's messages are the next ones after the learner's, as many as the step recorded adding.
 */
export async function readConversation(
  graph: ConversationGraph,
  threadId: string,
): Promise<Conversation> {
  const saver = saverOf(graph);
  const [messages, records] = await Promise.all([
    readTranscript(graph, threadId),
    readTurnRecords(saver, threadId),
  ]);
  const turns = splitTurns(messages).map((turn): Turn => {
    const recorded = records.get(turn.id);
    let next = 0;
    const steps = (recorded?.path.steps ?? []).map((step) => {
      const own = turn.replies.slice(next, next + step.messages);
      next += step.messages;
      return { node: step.node, said: own.flatMap(utterances) };
    });
    return {
      id: turn.id,
      learner: turn.learner,
      at: recorded?.at,
      steps,
      unattributed: turn.replies.slice(next).flatMap(utterances),
      state: recorded?.state,
    };
  });
  return { threadId, turns };
}
