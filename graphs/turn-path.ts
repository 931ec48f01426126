import { RemoveMessage, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import {
  Command,
  ReducedValue,
  isCommand,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import { z } from "zod";
import type { Utterance } from "./draw/page-data.js";

const UtteranceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("say"), text: z.string() }),
  z.object({ kind: z.literal("tool_call"), name: z.string(), args: z.string() }),
  z.object({ kind: z.literal("tool_result"), text: z.string() }),
]);

const TurnStepSchema = z.object({
  /** The node as the xray drawing names it (`mission_sensei:teach` inside the subgraph). */
  node: z.string(),
  /** How many messages the node added to the conversation. */
  messages: z.number().int().min(0),
  /**
   * What those messages said and called. The dialogue in state is bounded, so this is where the
   * graph pages and eval export read what each node of an earlier turn did; absent in turns
   * recorded before it was kept.
   */
  said: z.array(UtteranceSchema).optional(),
});
export type TurnStep = z.infer<typeof TurnStepSchema>;

const TurnPathSchema = z.object({
  /** The id of the learner message that started the turn. */
  turn: z.string(),
  steps: z.array(TurnStepSchema),
});
export type TurnPath = z.infer<typeof TurnPathSchema>;

/**
 * The nodes the current turn ran, in order. Turns run with `durability: "exit"`, so a turn leaves
 * one checkpoint and no per-node history: this channel is what tells the graph pages which path a
 * turn took. It holds the current turn only (a step from a new turn starts it afresh), so
 * checkpoints stay flat and older turns are read from the checkpoint history.
 */
export const TurnPathValue = new ReducedValue(TurnPathSchema.default({ turn: "", steps: [] }), {
  reducer: (current: TurnPath, next: TurnPath): TurnPath =>
    next.turn === current.turn
      ? { turn: current.turn, steps: [...current.steps, ...next.steps] }
      : next,
});

interface Conversational {
  messages: BaseMessage[];
}

type NodeFunction<S, R> = (state: S, config: LangGraphRunnableConfig) => R | Promise<R>;

const turnOf = (messages: BaseMessage[]) => messages.findLast((m) => m.type === "human")?.id ?? "";

type Update = Record<string, unknown> | [string, unknown][] | undefined;

/** What a message shows on the graph pages: its text, its tool calls, or a tool's answer. */
export function utterances(message: BaseMessage): Utterance[] {
  if (message.type === "tool") return [{ kind: "tool_result", text: message.text }];
  if (!isAIMessage(message)) return [];
  const said: Utterance[] = message.text.trim() ? [{ kind: "say", text: message.text }] : [];
  for (const call of message.tool_calls ?? []) {
    said.push({ kind: "tool_call", name: call.name, args: JSON.stringify(call.args) });
  }
  return said;
}

/** The messages an update adds (removals of older ones are not the node's words). */
function addedMessages(update: Update): BaseMessage[] {
  const values = Array.isArray(update)
    ? update.filter(([key]) => key === "messages").map(([, value]) => value)
    : [update?.messages];
  return values
    .flatMap((value) => (Array.isArray(value) ? value : value ? [value] : []))
    .filter((m): m is BaseMessage => !RemoveMessage.isInstance(m));
}

function withStep(update: Update, node: string, turn: string): Update {
  const added = addedMessages(update);
  const step: TurnStep = { node, messages: added.length, said: added.flatMap(utterances) };
  const turn_path: TurnPath = { turn, steps: [step] };
  return Array.isArray(update) ? [...update, ["turn_path", turn_path]] : { ...update, turn_path };
}

/** Wraps a node so that its update also records it, by its graph name, as the turn's next step. */
export function recordStep<S extends Conversational, R>(
  run: NodeFunction<S, R>,
): NodeFunction<S, R> {
  return async (state, config) => {
    const result = await run(state, config);
    const node = String(config.metadata?.langgraph_node);
    const turn = turnOf(state.messages);
    if (!isCommand(result)) return withStep(result as Update, node, turn) as R;
    return new Command({
      goto: result.goto,
      graph: result.graph,
      update: withStep(result.update as Update, node, turn),
    }) as R;
  };
}

/**
 * The steps a subgraph ran inside `node`, named as the xray drawing names them. `before` is the
 * path when the subgraph started and `after` the subgraph's own path when it finished.
 */
export function stepsInside(node: string, before: TurnPath, after: TurnPath): TurnPath {
  const fresh = after.steps.slice(before.turn === after.turn ? before.steps.length : 0);
  return {
    turn: after.turn,
    steps: fresh.map((step) => ({ ...step, node: `${node}:${step.node}` })),
  };
}
