import { AIMessageChunk, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { AppEventSchema, type AppEvent } from "../../domain/index.js";
import { UsageTally, type TurnUsage } from "../../graphs/index.js";
import type { TurnObserver } from "../observability/index.js";

/** What a turn produced, in order, independent of any wire format. */
export type TurnEvent =
  | { kind: "handover"; agent: string }
  | { kind: "delta"; id: string; agent: string; text: string }
  | { kind: "message"; id: string; agent: string; text: string }
  | { kind: "app"; event: AppEvent };

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
 * (each once), token deltas only when asked for, handovers whenever the speaking agent changes,
 * and the app events tools write to the custom stream. Every model call's token usage is added up
 * for `onUsage`. A turn is all or nothing: if it fails, the thread goes back to where it was, so the
 * learner can simply send the message again.
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
  const threadId = String(config.configurable?.thread_id);
  const head = await saver?.getTuple({ configurable: { thread_id: threadId } });
  // The caller's signal lives as long as its socket; LangGraph adds a listener to the signal of
  // every run and never removes it, so each turn gets its own signal that follows the caller's.
  const turnAbort = new AbortController();
  const abortTurn = () => turnAbort.abort(config.signal?.reason);
  const speaking = { agent: options.startingAgent };
  let ok = false;
  if (config.signal?.aborted) abortTurn();
  else config.signal?.addEventListener("abort", abortTurn, { once: true });
  try {
    // One checkpoint per turn.
    const stream = await graph.stream(input, {
      ...config,
      signal: turnAbort.signal,
      callbacks: [usage],
      streamMode,
      subgraphs: true,
      durability: "exit",
    });
    yield* turnEvents(stream, options, speaking);
    ok = true;
  } catch (err) {
    await undoTurn(graph, saver, threadId, head?.config).catch((undoErr: unknown) => {
      throw new AggregateError([err, undoErr], "a turn failed and could not be undone");
    });
    throw err;
  } finally {
    config.signal?.removeEventListener("abort", abortTurn);
    const total = usage.total;
    if (total.model_calls > 0) options.onUsage?.(total);
    const seconds = (performance.now() - started) / 1000;
    options.observer?.turnEnded({ agent: speaking.agent, ok, seconds, usage: total });
  }
}

/**
 * LangGraph saves the checkpoint of a failed turn on the way out, learner message included. Put the
 * state the turn started from back at the head of the thread (or clear a thread that had none).
 */
async function undoTurn(
  graph: StreamableGraph,
  saver: BaseCheckpointSaver | undefined,
  threadId: string,
  before: RunnableConfig | undefined,
): Promise<void> {
  if (!saver) return;
  const now = await saver.getTuple({ configurable: { thread_id: threadId } });
  if (now?.config.configurable?.checkpoint_id === before?.configurable?.checkpoint_id) return;
  if (before) await graph.updateState(before, null);
  else await saver.deleteThread(threadId);
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
    if (mode === "custom") {
      const event = AppEventSchema.safeParse(payload);
      if (event.success) yield { kind: "app", event: event.data };
    } else if (mode === "messages") {
      const [chunk, meta] = payload as [BaseMessage, { langgraph_node?: string }];
      // Inside a subgraph the node is an inner one ("teach"); the agent is the subgraph's.
      const node = namespace.length === 0 ? meta.langgraph_node : nodeOf(namespace);
      const agent = node ? options.agentOf(node) : undefined;
      if (!agent || !AIMessageChunk.isInstance(chunk) || !chunk.id || !chunk.text) continue;
      yield* handoverTo(agent);
      yield { kind: "delta", id: chunk.id, agent, text: chunk.text };
    } else if (mode === "updates") {
      for (const [node, update] of Object.entries(payload as Record<string, unknown>)) {
        const agent = options.agentOf(namespace.length === 0 ? node : (nodeOf(namespace) ?? node));
        if (!agent) continue;
        yield* handoverTo(agent);
        const messages = (update as { messages?: BaseMessage[] } | null)?.messages ?? [];
        for (const message of messages) {
          if (!isAIMessage(message) || !message.text.trim()) continue;
          const id = message.id ?? crypto.randomUUID();
          if (seen.has(id)) continue;
          seen.add(id);
          yield { kind: "message", id, agent, text: message.text };
        }
      }
    }
  }
}
