import type { RunnableConfig } from "@langchain/core/runnables";
import type { Graph } from "@langchain/core/runnables/graph";

/** What drawing needs from a compiled graph. */
export interface DrawableGraph {
  getName(): string;
  getGraphAsync(config: RunnableConfig & { xray?: boolean | number }): Promise<Graph>;
}

export interface DrawnNode {
  /** The id in the xray drawing: `lumina`, or `mission_sensei:teach` inside a subgraph. */
  id: string;
  /** The node's own name, without its subgraph. */
  name: string;
  /** The subgraph the node is drawn in, if any. */
  subgraph?: string;
  /** `__start__` and `__end__`, of the graph or of a subgraph. */
  boundary?: "start" | "end";
  agent?: string;
  prompt?: string;
  tool?: string;
}

export interface DrawnEdge {
  source: string;
  target: string;
  conditional: boolean;
}

export interface DrawnGraph {
  name: string;
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  /** `getGraphAsync({ xray: true }).toJSON()`, as LangGraph Studio receives it. */
  json: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** The graph with every subgraph expanded, and each node's agent, prompt and tool. */
export async function drawGraph(graph: DrawableGraph): Promise<DrawnGraph> {
  const drawing = await graph.getGraphAsync({ xray: true });
  const nodes = Object.values(drawing.nodes).map((node): DrawnNode => {
    const split = node.id.lastIndexOf(":");
    const name = node.id.slice(split + 1);
    return {
      id: node.id,
      name,
      subgraph: split === -1 ? undefined : node.id.slice(0, split),
      boundary: name === "__start__" ? "start" : name === "__end__" ? "end" : undefined,
      agent: text(node.metadata?.agent),
      prompt: text(node.metadata?.prompt),
      tool: text(node.metadata?.tool),
    };
  });
  const edges = drawing.edges.map((edge) => ({
    source: edge.source,
    target: edge.target,
    conditional: edge.conditional ?? false,
  }));
  return { name: graph.getName(), nodes, edges, json: drawing.toJSON() };
}
