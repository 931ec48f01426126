import type { Conversation } from "./conversation.js";
import type { DrawnGraph } from "./drawn-graph.js";

export interface Handover {
  /** Index of the turn it happened in. */
  turn: number;
  from: string;
  to: string;
  /** The node the new agent took over in. */
  node: string;
}

export interface TraversedEdge {
  count: number;
  /** How many of those times control passed from one agent to another along it. */
  handovers: number;
}

export interface PathOverlay {
  /** How many times each node ran, boundaries included. */
  visits: Map<string, number>;
  /** Keyed by `edgeKey(source, target)`. */
  edges: Map<string, TraversedEdge>;
  /** Each turn's route through the drawing, from `__start__` to `__end__`; empty if unrecorded. */
  routes: string[][];
  handovers: Handover[];
  /** Transitions the conversation took that the drawing has no edge for. */
  undrawn: { source: string; target: string }[];
}

export const edgeKey = (source: string, target: string) => `${source} -> ${target}`;

/** The turn's nodes, with the subgraph boundaries the drawing passes through between them. */
function route(graph: DrawnGraph, nodes: string[]): string[] {
  const drawn = new Map(graph.nodes.map((n) => [n.id, n]));
  const boundary = (subgraph: string, name: string) => {
    const id = `${subgraph}:${name}`;
    return drawn.has(id) ? [id] : [];
  };
  const path = ["__start__"];
  let inside: string | undefined;
  for (const id of nodes) {
    const subgraph = drawn.get(id)?.subgraph;
    if (subgraph !== inside) {
      if (inside) path.push(...boundary(inside, "__end__"));
      if (subgraph) path.push(...boundary(subgraph, "__start__"));
      inside = subgraph;
    }
    path.push(id);
  }
  if (inside) path.push(...boundary(inside, "__end__"));
  path.push("__end__");
  return path;
}

/**
 * Lays a conversation over the drawing: the nodes and edges each turn went through, and where
 * control passed between agents. The speaking agent carries over from one turn to the next, so a
 * turn that starts with the agent the last one ended with is no handover.
 */
export function overlayPath(graph: DrawnGraph, conversation: Conversation): PathOverlay {
  const agentOf = new Map(graph.nodes.map((n) => [n.id, n.agent]));
  const drawnEdges = new Set(graph.edges.map((e) => edgeKey(e.source, e.target)));
  const overlay: PathOverlay = {
    visits: new Map(),
    edges: new Map(),
    routes: [],
    handovers: [],
    undrawn: [],
  };
  let speaking: string | undefined;

  conversation.turns.forEach((turn, index) => {
    if (turn.steps.length === 0) {
      overlay.routes.push([]);
      return;
    }
    const path = route(
      graph,
      turn.steps.map((s) => s.node),
    );
    overlay.routes.push(path);
    const handoverEdges = new Set<number>();
    let lastAgentAt = 0;
    path.forEach((id, at) => {
      overlay.visits.set(id, (overlay.visits.get(id) ?? 0) + 1);
      const agent = agentOf.get(id);
      if (!agent) return;
      if (speaking && agent !== speaking) {
        overlay.handovers.push({ turn: index, from: speaking, to: agent, node: id });
        for (let edge = lastAgentAt; edge < at; edge++) handoverEdges.add(edge);
      }
      speaking = agent;
      lastAgentAt = at;
    });
    for (let at = 0; at + 1 < path.length; at++) {
      const [source, target] = [path[at]!, path[at + 1]!];
      const key = edgeKey(source, target);
      if (!drawnEdges.has(key)) {
        overlay.undrawn.push({ source, target });
        continue;
      }
      const seen = overlay.edges.get(key) ?? { count: 0, handovers: 0 };
      overlay.edges.set(key, {
        count: seen.count + 1,
        handovers: seen.handovers + (handoverEdges.has(at) ? 1 : 0),
      });
    }
  });
  return overlay;
}
