import { RemoveMessage, type BaseMessage } from "@langchain/core/messages";
import { DeltaValue, StateSchema, messagesDeltaReducer } from "@langchain/langgraph";
import { z } from "zod/v4";

/**
 * The agents' dialogue: the messages a turn's model calls see. It is bounded (see `dialogueCut`),
 * so every checkpoint stores it whole (a snapshot each time) and reading a thread back never
 * replays earlier turns' writes: a turn costs the same whether it is the 5th or the 600th. The
 * whole conversation lives in the transcript log. Threads stored with the unbounded delta channel
 * read back through the same channel and are cut on their first turn.
 */
export const DialogueValue = new DeltaValue(
  z.custom<BaseMessage[]>().default(() => []),
  {
    inputSchema: z.custom<BaseMessage | BaseMessage[]>(),
    reducer: messagesDeltaReducer,
    snapshotFrequency: 1,
    jsonSchemaExtra: { langgraph_type: "messages", description: "A list of chat messages" },
  },
);

/**
 * What a turn takes from outside: the learner's message, and nothing of the phase machine. The
 * channel is the state's own `messages`, so the input schema must declare it the same way.
 */
export const LearnerInput = new StateSchema({ messages: DialogueValue });

/**
 * Removals that keep the dialogue to its last `turns` learner turns, and none from before the
 * learner message at `from` (an index into `messages`). A cut always falls on a learner message,
 * so a tool call is never parted from its result and the kept dialogue opens with the learner.
 */
export function dialogueCut(
  messages: readonly BaseMessage[],
  turns: number,
  from = 0,
): RemoveMessage[] {
  const learner = messages.flatMap((m, index) => (m.type === "human" ? [index] : []));
  const start = Math.max(from, learner.at(-turns) ?? 0);
  return messages
    .slice(0, start)
    .flatMap((m) => (m.id === undefined ? [] : [new RemoveMessage({ id: m.id })]));
}
