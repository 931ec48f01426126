import type { RunnableConfig } from "@langchain/core/runnables";

/**
 * The run config key (`configurable.turn_id`) naming the turn a run belongs to. Both savers store
 * it beside each checkpoint and write.
 *
 * Why: LangGraph anchors the delta-channel writes of a whole `durability: "exit"` run on the
 * checkpoint the run started from, and reads a checkpoint's messages back by replaying the writes
 * stored against each of its ancestors. Two runs from the same checkpoint (a turn that failed and
 * was undone with `updateState`, or two turns racing) leave their writes on one shared ancestor,
 * and nothing in LangGraph's data says which child consumed which. With turns named, a write
 * replays only into the child of its own turn, so sibling branches never see each other's
 * messages. Writes stored without a turn replay into every child, as LangGraph's own walk does;
 * resuming a turn must keep its id.
 */
export const TURN_ID = "turn_id";

export function turnOf(config: RunnableConfig): string | null {
  const turn: unknown = config.configurable?.[TURN_ID];
  return typeof turn === "string" && turn !== "" ? turn : null;
}

/** Whether a write made in `writeTurn` replays into a child checkpoint written in `childTurn`. */
export function replaysInto(writeTurn: string | null, childTurn: string | null): boolean {
  return writeTurn === null || writeTurn === childTurn;
}
