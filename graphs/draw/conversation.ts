import { isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { TranscriptEntry } from "../../domain/index.js";
import { readTranscript, type TranscriptStore } from "../../store/index.js";
import type { TurnPath } from "../turn-path.js";

/** What reading a conversation needs from a compiled graph. */
export interface ConversationGraph {
  checkpointer?: BaseCheckpointSaver | boolean;
  getState(config: RunnableConfig): Promise<{ values: unknown }>;
}

export type Utterance =
  | { kind: "say"; text: string }
  | { kind: "tool_call"; name: string; args: string }
  | { kind: "tool_result"; text: string };

export interface TurnStepView {
  /** The node as the xray drawing names it. */
  node: string;
  /** What the node added to the conversation. */
  said: Utterance[];
}

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
}

export interface Conversation {
  threadId: string;
  turns: Turn[];
}

interface ThreadValues {
  messages?: BaseMessage[];
  turn_path?: TurnPath;
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
 * A conversation turn by turn, with the nodes each turn ran. With `transcripts`, the turns and what
 * the learner saw come from the conversation's transcript log, so a turn the thread never took in
 * (cut short by a crash) is there too; the nodes and tool calls come from the thread. Turns leave
 * one checkpoint each, holding that turn's path. The paths are read from the checkpoints
 * themselves: `getStateHistory` would rebuild every turn's transcript too, which grows with the
 * square of the conversation. Each step's messages are the next ones after the learner's, as many
 * as the step recorded adding. Without a transcript (or before one was written) the thread's own
 * messages are the turns.
 */
export async function readConversation(
  graph: ConversationGraph,
  threadId: string,
  transcripts?: TranscriptStore,
): Promise<Conversation> {
  const { checkpointer } = graph;
  if (typeof checkpointer !== "object") {
    throw new Error("Reading a conversation needs a graph compiled with a checkpointer");
  }
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  const messages = ((state.values ?? {}) as ThreadValues).messages ?? [];
  const paths = new Map<string, { path: TurnPath; at: string }>();
  // Newest first, so the first checkpoint seen for a turn holds its whole path.
  for await (const { checkpoint } of checkpointer.list({
    configurable: { thread_id: threadId, checkpoint_ns: "" },
  })) {
    const path = checkpoint.channel_values.turn_path as TurnPath | undefined;
    if (path?.turn && !paths.has(path.turn)) paths.set(path.turn, { path, at: checkpoint.ts });
  }

  const threadTurns = splitTurns(messages);
  const fromThread = (turn: ThreadTurn): Turn => {
    const recorded = paths.get(turn.id);
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
    };
  };

  const logged = transcripts ? loggedTurns(await readTranscript(transcripts, threadId)) : [];
  if (logged.length === 0) return { threadId, turns: threadTurns.map(fromThread) };
  const inThread = new Map(threadTurns.map((turn) => [turn.id, turn]));
  const turns = logged.map((turn): Turn => {
    const held = inThread.get(turn.id);
    if (held) return { ...fromThread(held), learner: turn.learner };
    const said = turn.replies.map((reply): Utterance => ({ kind: "say", text: reply.text }));
    return { id: turn.id, learner: turn.learner, at: turn.at, steps: [], unattributed: said };
  });
  return { threadId, turns };
}
