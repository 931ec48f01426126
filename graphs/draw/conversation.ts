import { isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
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
  /** When the turn's checkpoint was written. */
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
 * A thread's transcript, turn by turn, with the nodes each turn ran. Turns leave one checkpoint
 * each, holding that turn's path, and the thread's state holds the whole transcript. The paths are
 * read from the checkpoints themselves: `getStateHistory` would rebuild every turn's transcript
 * too, which grows with the square of the conversation. Each step's messages are the next ones
 * after the learner's, as many as the step recorded adding.
 */
export async function readConversation(
  graph: ConversationGraph,
  threadId: string,
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

  const turns = splitTurns(messages).map((turn): Turn => {
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
  });
  return { threadId, turns };
}
