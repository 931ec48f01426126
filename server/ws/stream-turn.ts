import { AIMessageChunk, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { BaseCheckpointSaver, uuid6 } from "@langchain/langgraph-checkpoint";
import { AppEventSchema, type AppEvent } from "../../domain/index.js";
import { USAGE_TALLY, UsageTally, type TurnUsage } from "../../graphs/index.js";
import { LEASE_TOKEN, TURN_ID, canDeleteFenced, leaseTokenOf, turnOf } from "../../store/index.js";
import type { TurnObserver } from "../observability/index.js";

/** What a turn produced, in order, independent of any wire format. */
export type TurnEvent =
  | { kind: "handover"; agent: string }
  | { kind: "delta"; id: string; agent: string; text: string }
  | { kind: "message"; id: string; agent: string; node: string; text: string }
  | { kind: "app"; event: AppEvent }
  /**
   * Last: the turn's checkpoint is stored. A caller that throws while handling this (or any other
   * event) fails the turn, which is then undone.
   */
  | { kind: "end" };

export interface StreamableGraph {
  checkpointer?: BaseCheckpointSaver | boolean;
  stream(
    input: unknown,
    options: RunnableConfig & Record<string, unknown>,
  ): Promise<AsyncIterable<unknown>>;
  updateState(config: RunnableConfig, values: null): Promise<RunnableConfig>;
}

export interface TurnOptions {
  /** Which agent speaks for a node, or undefined for nodes whose output the learner never sees. */
  agentOf: (node: string) => string | undefined;
  /** The agent that held the conversation before this turn. */
  startingAgent: string;
  tokens: boolean;
  /** Receives the turn's token usage once it ends, whether it succeeded or not. */
  onUsage?: (usage: TurnUsage) => void;
  /** Told of every turn once it ends: who answered, how it went, how long it took. */
  observer?: TurnObserver;
}

type Chunk = [string[], string, unknown];

const nodeOf = (namespace: string[]): string | undefined => namespace[0]?.split(":")[0];

/**
 * Runs one turn and turns the graph's stream into `TurnEvent`s: whole messages from node updates
 * (each once, with the node that said it), token deltas only when asked for, handovers whenever the
 * speaking agent changes, the app events tools write to the custom stream, and `end` once the
 * turn's checkpoint is stored. Every model call's token usage is added up for `onUsage`. A turn is
 * all or nothing: if it fails, is aborted, or its caller stops before `end` has been handled, the
 * run is stopped and the thread goes back exactly to where it was.
 *
 * `config.configurable.turn_id` names the turn (see `store/turns.ts`), and
 * `config.configurable.lease_token` fences its writes, the undo's included (`store/leases.ts`).
 */
export async function* streamTurn(
  graph: StreamableGraph,
  input: unknown,
  config: RunnableConfig,
  options: TurnOptions,
): AsyncGenerator<TurnEvent> {
  const started = performance.now();
  const streamMode = options.tokens ? ["updates", "custom", "messages"] : ["updates", "custom"];
  const usage = new UsageTally();
  const saver = graph.checkpointer instanceof BaseCheckpointSaver ? graph.checkpointer : undefined;
  // Checkpoint ids are uuid6, ordered by time: any checkpoint of the thread with a larger id than
  // this was written by this turn. A failed turn is undone back past those, so a successful one
  // never has to read the thread's head first.
  const startedAt = uuid6(-1);
  // The caller's signal lives as long as its socket; LangGraph adds a listener to the signal of
  // every run and never removes it, so each turn gets its own signal that follows the caller's.
  const turnAbort = new AbortController();
  const abortTurn = () => turnAbort.abort(config.signal?.reason);
  const speaking = { agent: options.startingAgent };
  if (config.signal?.aborted) abortTurn();
  else config.signal?.addEventListener("abort", abortTurn, { once: true });
  let completed = false;
  let failure: unknown;
  try {
    // One checkpoint per turn. The run has no callbacks: only its model calls report to `usage`
    // (see `UsageTally`), as a callback every runnable of the graph inherited would cost the turn
    // more than anything it does besides its model calls.
    const stream = await graph.stream(input, {
      ...config,
      configurable: { ...config.configurable, [USAGE_TALLY]: usage },
      signal: turnAbort.signal,
      streamMode,
      subgraphs: true,
      durability: "exit",
    });
    yield* turnEvents(stream, options, speaking);
    yield { kind: "end" };
    completed = true;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    config.signal?.removeEventListener("abort", abortTurn);
    const total = usage.total;
    if (total.model_calls > 0) options.onUsage?.(total);
    const seconds = (performance.now() - started) / 1000;
    options.observer?.turnEnded({ agent: speaking.agent, ok: completed, seconds, usage: total });
    if (!completed) {
      turnAbort.abort(new Error("The turn was abandoned"));
      await undoTurn(graph, saver, config, startedAt).catch((undoErr: unknown) => {
        const errors = failure === undefined ? [undoErr] : [failure, undoErr];
        throw new AggregateError(errors, "a turn failed and could not be undone");
      });
    }
  }
}

/**
 * Puts the state the turn started from back at the head of the thread: a copy of the newest
 * checkpoint written before `startedAt` (an empty state for a thread that had none), written by a
 * turn of its own, so that writes of the failed turn never replay into its branch. An aborted
 * stream throws at once, while LangGraph may still be storing the run's checkpoint: that
 * checkpoint's id was drawn before the abort, so it is older than the undo's however late it
 * lands, and the undo stays the head without waiting for it.
 */
async function undoTurn(
  graph: StreamableGraph,
  saver: BaseCheckpointSaver | undefined,
  config: RunnableConfig,
  startedAt: string,
): Promise<void> {
  if (!saver) return;
  const threadId = String(config.configurable?.thread_id);
  const undo = `${turnOf(config) ?? crypto.randomUUID()}/undo`;
  // The undo is fenced like the turn: once another socket holds the conversation, it is theirs.
  const token = leaseTokenOf(config);
  const fence = token === null ? {} : { [LEASE_TOKEN]: token };
  const head = await saver.getTuple({ configurable: { thread_id: threadId } });
  let before: RunnableConfig | undefined = head?.config;
  while (before && String(before.configurable?.checkpoint_id) > startedAt) {
    before = (await saver.getTuple(before))?.parentConfig;
  }
  if (!before && head) {
    if (token !== null && canDeleteFenced(saver)) await saver.deleteThreadFenced(threadId, token);
    else await saver.deleteThread(threadId);
  }
  const at = before?.configurable ?? { thread_id: threadId };
  await graph.updateState({ configurable: { ...at, [TURN_ID]: undo, ...fence } }, null);
}

/** `speaking.agent` follows whoever speaks, so the caller knows who answered last. */
async function* turnEvents(
  stream: AsyncIterable<unknown>,
  options: TurnOptions,
  speaking: { agent: string },
): AsyncGenerator<TurnEvent> {
  const seen = new Set<string>();

  function* handoverTo(agent: string): Generator<TurnEvent> {
    if (agent === speaking.agent) return;
    speaking.agent = agent;
    yield { kind: "handover", agent };
  }

  for await (const item of stream) {
    const [namespace, mode, payload] = item as Chunk;
    const outer = nodeOf(namespace);
    if (mode === "custom") {
      const event = AppEventSchema.safeParse(payload);
      if (event.success) yield { kind: "app", event: event.data };
    } else if (mode === "messages") {
      const [chunk, meta] = payload as [BaseMessage, { langgraph_node?: string }];
      // Inside a subgraph the node is an inner one ("teach"); the agent is the subgraph's.
      const node = outer ?? meta.langgraph_node;
      const agent = node ? options.agentOf(node) : undefined;
      if (!agent || !AIMessageChunk.isInstance(chunk) || !chunk.id || !chunk.text) continue;
      yield* handoverTo(agent);
      yield { kind: "delta", id: chunk.id, agent, text: chunk.text };
    } else if (mode === "updates") {
      for (const [node, update] of Object.entries(payload as Record<string, unknown>)) {
        const agent = options.agentOf(outer ?? node);
        if (!agent) continue;
        yield* handoverTo(agent);
        const messages = (update as { messages?: BaseMessage[] } | null)?.messages ?? [];
        for (const message of messages) {
          if (!isAIMessage(message) || !message.text.trim()) continue;
          const id = message.id ?? crypto.randomUUID();
          if (seen.has(id)) continue;
          seen.add(id);
          // Named as the graph drawing names it: `mission_sensei:teach` inside the subgraph.
          yield {
            kind: "message",
            id,
            agent,
            node: outer ? `${outer}:${node}` : node,
            text: message.text,
          };
        }
      }
    }
  }
}
