import { randomUUID } from "node:crypto";
import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import {
  DeltaValue,
  END,
  MessagesDeltaValue,
  START,
  StateGraph,
  StateSchema,
  messagesDeltaReducer,
  type BaseCheckpointSaver,
} from "@langchain/langgraph";
import { z } from "zod";

export interface DeltaChatOptions {
  /** Updates between full snapshots of the messages; LangGraph's default (100) when absent. */
  snapshotFrequency?: number;
  /** Padding in each reply, to make messages as big as a test needs. */
  replyBytes?: number;
}

/**
 * A one-node chat graph with the same state shape as the Commander and the Ally: messages in a
 * delta channel beside a few plain fields. Each turn appends the learner's message and a reply,
 * takes the learner's words as the topic, and counts the turn.
 */
export function buildDeltaChatGraph(
  checkpointer: BaseCheckpointSaver,
  options: DeltaChatOptions = {},
) {
  const messages =
    options.snapshotFrequency === undefined
      ? MessagesDeltaValue
      : new DeltaValue(
          z.custom<BaseMessage[]>().default(() => []),
          {
            reducer: messagesDeltaReducer,
            snapshotFrequency: options.snapshotFrequency,
          },
        );
  const State = new StateSchema({
    messages,
    topic: z.string().default(""),
    turns: z.number().int().default(0),
  });
  const padding = "·".repeat(options.replyBytes ?? 0);
  return new StateGraph(State)
    .addNode("reply", (state) => ({
      messages: [
        new AIMessage({ id: randomUUID(), content: `Reply ${state.turns + 1}: ${padding}` }),
      ],
      topic: state.messages.at(-1)?.text ?? "",
      turns: state.turns + 1,
    }))
    .addEdge(START, "reply")
    .addEdge("reply", END)
    .compile({ checkpointer });
}

export type DeltaChatGraph = ReturnType<typeof buildDeltaChatGraph>;

/** One learner turn, saved the way the server saves turns: one checkpoint at the end. */
export function chatTurn(graph: DeltaChatGraph, threadId: string, text: string) {
  return graph.invoke(
    { messages: [new HumanMessage({ id: randomUUID(), content: text })] },
    { configurable: { thread_id: threadId }, durability: "exit" },
  );
}
