import type { BaseMessage } from "@langchain/core/messages";
import {
  Command,
  ReducedValue,
  isCommand,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import { z } from "zod";

const TurnStepSchema = z.object({
  /** The node as the xray drawing names it (`mission_sensei:teach` inside the subgraph). */
  node: z.string(),
  /** How many messages the node added to the conversation. */
  messages: z.number().int().min(0),
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

function countMessages(update: Update): number {
  const messages = Array.isArray(update)
    ? update.filter(([key]) => key === "messages").map(([, value]) => value)
    : [update?.messages];
  return messages.reduce<number>(
    (count, value) => count + (Array.isArray(value) ? value.length : value ? 1 : 0),
    0,
  );
}

function withStep(update: Update, node: string, turn: string): Update {
  const turn_path: TurnPath = { turn, steps: [{ node, messages: countMessages(update) }] };
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
