import { AGENT_NAMES, type AgentName } from "../domain/index.js";

/** What reading node metadata needs from a compiled graph. */
export interface GraphWithNodes {
  builder: { nodes: Record<string, { metadata?: Record<string, unknown> }> };
}

/**
 * Which agent speaks for each of a graph's nodes, as the node's `agent` metadata declares it:
 * the same declaration the graph pages and Studio show. Nodes without an agent (`intake`) speak
 * for nobody.
 */
export function nodeAgents(graph: GraphWithNodes): (node: string) => AgentName | undefined {
  const agents = new Map<string, AgentName>();
  for (const [node, spec] of Object.entries(graph.builder.nodes)) {
    const agent = AGENT_NAMES.find((name) => name === spec.metadata?.agent);
    if (agent) agents.set(node, agent);
  }
  return (node) => agents.get(node);
}
