import { failureStatus } from "../../graphs/index.js";
import { isLeaseLost, type Store } from "../../store/index.js";
import type { TokenVerifier } from "../auth/index.js";
import type { EndpointName, TurnObserver } from "../observability/index.js";
import type { Connection } from "./connection.js";
import { turnFailedMessage, type ConversationLog, type TurnLog } from "./conversation-log.js";
import { CloseWith } from "./socket-endpoint.js";
import {
  streamTurn,
  type StreamableGraph,
  type TurnEvent,
  type TurnOptions,
} from "./stream-turn.js";

/** What a tutor's endpoint is built from. */
export interface TutorEndpointDeps<Graph> {
  store: Store;
  verifier: TokenVerifier;
  graph: Graph;
  /** Another copy of `prompts/` for the agents to read; undefined for the shipped prompts. */
  promptsDir?: string;
  turns?: TurnObserver;
}

export interface ConversationTurn<Context> {
  endpoint: EndpointName;
  connection: Connection;
  log: ConversationLog;
  graph: StreamableGraph;
  /** The learner's message, and the lease's fencing token for its writes. */
  text: string;
  fence: () => Promise<number>;
  /** The run context, read once the turn has started. */
  context: () => Context | Promise<Context>;
  options: Omit<TurnOptions, "onUsage">;
  /** What the turn's log lines say it is about (its session or enrollment). */
  logFields: Record<string, unknown>;
  /** Sends the frames of every event but token deltas, recording replies before they are sent. */
  onEvent(event: Exclude<TurnEvent, { kind: "delta" }>, turn: TurnLog): void | Promise<void>;
}

/**
 * Runs one learner message through `streamTurn`, forwarding token deltas as
 * `agent_message_delta`. Returns undefined once the turn's checkpoint landed; a failed turn is
 * undone, logged, and its `error` frame's text returned. A turn fenced out by a newer socket, or
 * closing the socket (`CloseWith`), ends this socket instead (see `socket-endpoint.ts`).
 */
export async function runConversationTurn<Context>(
  spec: ConversationTurn<Context>,
): Promise<string | undefined> {
  const { connection } = spec;
  let turn: TurnLog | undefined;
  try {
    turn = await spec.log.startTurn(spec.text, await spec.fence());
    const config = {
      configurable: { thread_id: spec.log.threadId, ...turn.configurable },
      context: await spec.context(),
      signal: connection.abort.signal,
    };
    const events = streamTurn(spec.graph, turn.input, config, {
      ...spec.options,
      onUsage: (usage) => connection.log.info("turn usage", { ...spec.logFields, usage }),
    });
    for await (const event of events) {
      if (event.kind === "delta") {
        connection.sendIfKeepingUp({
          type: "agent_message_delta",
          id: event.id,
          delta: event.text,
        });
      } else await spec.onEvent(event, turn);
    }
  } catch (err) {
    // The thread went back to where the turn started.
    turn?.finish(false);
    if (err instanceof CloseWith || isLeaseLost(err)) throw err;
    connection.log.error(`${spec.endpoint} turn failed`, {
      ...spec.logFields,
      error: err,
      status: failureStatus(err),
    });
    return turnFailedMessage(err, turn?.shown ?? false);
  }
  turn.finish(true);
  return undefined;
}
