import type { DrawnGraph, DrawnNode } from "./drawn-graph.js";
import { edgeKey, type PathOverlay, type TraversedEdge } from "./path-overlay.js";

const AGENT_COLOURS = [
  { fill: "#dbeafe", stroke: "#2563eb" },
  { fill: "#dcfce7", stroke: "#16a34a" },
  { fill: "#fef3c7", stroke: "#d97706" },
  { fill: "#fce7f3", stroke: "#db2777" },
  { fill: "#e0e7ff", stroke: "#4f46e5" },
  { fill: "#ccfbf1", stroke: "#0d9488" },
];
const VISITED = "#c2410c";
const HANDOVER = "#7c3aed";

export interface AgentStyle {
  agent: string;
  className: string;
  fill: string;
  stroke: string;
}

export interface MermaidDrawing {
  text: string;
  /** Node id → the Mermaid id it is drawn with (and that its SVG element id contains). */
  ids: Map<string, string>;
  /** `edgeKey(source, target)` → the id Mermaid gives the edge's path and label (`data-id`). */
  edgeIds: Map<string, string>;
  agents: AgentStyle[];
}

/** Agents in the order they first appear, each with its own colour. */
function agentStyles(graph: DrawnGraph): AgentStyle[] {
  const agents = [...new Set(graph.nodes.flatMap((n) => (n.agent ? [n.agent] : [])))];
  return agents.map((agent, i) => ({
    agent,
    className: `agent${i}`,
    ...AGENT_COLOURS[i % AGENT_COLOURS.length]!,
  }));
}

/** Mermaid ids: readable, prefixed so that no node name can be a Mermaid keyword, and unique. */
function mermaidIds(nodes: DrawnNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const base = `n_${node.id.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(node.id, id);
  }
  return ids;
}

/** Text inside a quoted Mermaid label, where `#…;` entity codes stand for reserved characters. */
const escapeLabel = (text: string) => text.replace(/[&<>"#]/g, (c) => `#${c.charCodeAt(0)};`);

function label(node: DrawnNode, visits: number | undefined): string {
  if (node.boundary) return node.boundary;
  const source = node.prompt
    ? `prompt: ${node.prompt}`
    : node.tool
      ? `tool: ${node.tool}`
      : "code, no prompt";
  const lines = [
    `<b>${escapeLabel(node.name)}</b>`,
    escapeLabel(node.agent ?? "orchestration"),
    `<small>${escapeLabel(source)}</small>`,
  ];
  if (visits) lines.push(`<i>ran ${visits}×</i>`);
  return lines.join("<br/>");
}

function edgeNote(traversed: TraversedEdge | undefined): string {
  if (!traversed) return "";
  const handovers = traversed.handovers ? `, handover ${traversed.handovers}×` : "";
  return `|"${traversed.count}×${handovers}"|`;
}

/**
 * The drawing as a Mermaid flowchart: each node labelled with its agent and its prompt file (or
 * tool), coloured by agent, subgraphs as boxes, every edge with an id of its own. With an overlay,
 * the nodes a conversation ran get the `visited` outline, the edges it took are drawn thick, and
 * handover edges are labelled.
 */
export function toMermaid(graph: DrawnGraph, overlay?: PathOverlay): MermaidDrawing {
  const ids = mermaidIds(graph.nodes);
  // Edges only join the graph's own nodes.
  const id = (nodeId: string) => ids.get(nodeId)!;
  const agents = agentStyles(graph);
  const lines = ["flowchart TD"];

  const declare = (node: DrawnNode, indent: string) => {
    const text = `"${label(node, overlay?.visits.get(node.id))}"`;
    lines.push(`${indent}${id(node.id)}${node.boundary ? `([${text}])` : `[${text}]`}`);
  };
  const subgraphs = [...new Set(graph.nodes.flatMap((n) => (n.subgraph ? [n.subgraph] : [])))];
  for (const node of graph.nodes) if (!node.subgraph) declare(node, "  ");
  for (const subgraph of subgraphs) {
    lines.push(`  subgraph sg_${subgraph.replace(/\W/g, "_")}["${escapeLabel(subgraph)}"]`);
    for (const node of graph.nodes) if (node.subgraph === subgraph) declare(node, "    ");
    lines.push("  end");
  }

  const edgeIds = new Map<string, string>();
  const taken: number[] = [];
  const handovers: number[] = [];
  graph.edges.forEach((edge, index) => {
    const key = edgeKey(edge.source, edge.target);
    const traversed = overlay?.edges.get(key);
    const arrow = edge.conditional ? "-.->" : "-->";
    edgeIds.set(key, `e${index}`);
    lines.push(`  ${id(edge.source)} e${index}@${arrow}${edgeNote(traversed)} ${id(edge.target)}`);
    if (traversed?.handovers) handovers.push(index);
    else if (traversed) taken.push(index);
  });

  lines.push("  classDef default fill:#f8fafc,stroke:#64748b,color:#0f172a");
  lines.push("  classDef boundary fill:#e2e8f0,stroke:#94a3b8,color:#475569");
  for (const style of agents) {
    lines.push(`  classDef ${style.className} fill:${style.fill},stroke:${style.stroke}`);
  }
  lines.push(`  classDef visited stroke:${VISITED},stroke-width:4px`);
  // Mermaid writes a node's classes into its style in the order they are assigned, later ones
  // winning: the visited outline goes last, so it shows on agent nodes too.
  const classes = new Map<string, string[]>(
    ["boundary", ...agents.map((a) => a.className), "visited"].map((c) => [c, []]),
  );
  for (const node of graph.nodes) {
    const style = agents.find((a) => a.agent === node.agent);
    if (node.boundary) classes.get("boundary")!.push(id(node.id));
    if (style) classes.get(style.className)!.push(id(node.id));
    if (overlay?.visits.get(node.id)) classes.get("visited")!.push(id(node.id));
  }
  for (const [className, members] of classes) {
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${className}`);
  }
  if (taken.length > 0) {
    lines.push(`  linkStyle ${taken.join(",")} stroke:${VISITED},stroke-width:3px`);
  }
  if (handovers.length > 0) {
    lines.push(`  linkStyle ${handovers.join(",")} stroke:${HANDOVER},stroke-width:4px`);
  }
  return { text: `${lines.join("\n")}\n`, ids, edgeIds, agents };
}
