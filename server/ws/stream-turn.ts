import { AIMessageChunk, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";

/** What a turn produced, in order, independent of any wire format. */
export type TurnEvent =
  | { kind: "handover"; agent: string }
  | { kind: "delta"; id: string; agent: string; text: string }
  | { kind: "message"; id: string; agent: string; text: string }
  | { kind: "app"; event: Record<string, unknown> & { type: string } };

export interface StreamableGraph {
  stream(
    input: unknown,
    options: RunnableConfig & Record<string, unknown>,
  ): Promise<AsyncIterable<unknown>>;
}

export interface TurnOptions {
  /** Which agent speaks for a node, or undefined for nodes whose output the learner never sees. */
  agentOf: (node: string) => string | undefined;
  /** Nodes that are compiled subgraphs: their messages are taken from inside them. */
  subgraphNodes?: ReadonlySet<string>;
  /** The agent that held the conversation before this turn. */
  startingAgent: string;
  tokens: boolean;
}

type Chunk = [string[], string, unknown];

const nodeOf = (namespace: string[]): string | undefined => namespace[0]?.split(":")[0];

/**
 * Runs one turn and turns the graph's stream into `TurnEvent`s: whole messages from node updates
 * (each once), token deltas only when asked for, handovers whenever the speaking agent changes,
 * and the app events tools write to the custom stream.
 */
export async function* streamTurn(
  graph: StreamableGraph,
  input: unknown,
  config: RunnableConfig,
  options: TurnOptions,
): AsyncGenerator<TurnEvent> {
  const streamMode = options.tokens ? ["updates", "custom", "messages"] : ["updates", "custom"];
  // One checkpoint per turn: a turn that fails part-way leaves the thread as it was before it.
  const stream = await graph.stream(input, {
    ...config,
    streamMode,
    subgraphs: true,
    durability: "exit",
  });
  const seen = new Set<string>();
  let speaking = options.startingAgent;

  function* handoverTo(agent: string): Generator<TurnEvent> {
    if (agent === speaking) return;
    speaking = agent;
    yield { kind: "handover", agent };
  }

  for await (const item of stream) {
    const [namespace, mode, payload] = item as Chunk;
    if (mode === "custom") {
      yield { kind: "app", event: payload as Extract<TurnEvent, { kind: "app" }>["event"] };
    } else if (mode === "messages") {
      const [chunk, meta] = payload as [BaseMessage, { langgraph_node?: string }];
      const agent = meta.langgraph_node ? options.agentOf(meta.langgraph_node) : undefined;
      if (!agent || !AIMessageChunk.isInstance(chunk) || !chunk.id || !chunk.text) continue;
      yield* handoverTo(agent);
      yield { kind: "delta", id: chunk.id, agent, text: chunk.text };
    } else if (mode === "updates") {
      for (const [node, update] of Object.entries(payload as Record<string, unknown>)) {
        if (namespace.length === 0 && options.subgraphNodes?.has(node)) continue;
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
