import { scriptTags, stylesTag, type PageAssets } from "./assets.js";
import type { Conversation } from "./conversation.js";
import type { DrawnGraph } from "./drawn-graph.js";
import { escapeHtml, fillTemplate, jsonForScript } from "./html.js";
import { toMermaid, type AgentStyle } from "./mermaid.js";
import { overlayPath, type PathOverlay } from "./path-overlay.js";
import { transcriptHtml } from "./transcript.js";

export interface GraphPageOptions {
  graph: DrawnGraph;
  /** A conversation to lay over the drawing, and what to call it. */
  conversation?: { label: string; conversation: Conversation };
  assets: PageAssets;
  indexHref: string;
}

/** `mission_commander` → `Mission Commander`. */
export const graphTitle = (name: string) =>
  name
    .split(/[_\s-]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");

function legendHtml(agents: AgentStyle[], overlay: PathOverlay | undefined): string {
  const items = agents.map(
    (a) =>
      `<li style="--swatch-fill:${a.fill};--swatch-stroke:${a.stroke}">${escapeHtml(a.agent)}</li>`,
  );
  items.push("<li>orchestration (code)</li>");
  items.push("<li>dotted edges are conditional</li>");
  if (overlay) {
    items.push('<li class="visited">ran in this conversation</li>');
    items.push('<li class="handover">handover between agents</li>');
  }
  return items.join("\n          ");
}

function summary(graph: DrawnGraph, label: string | undefined, overlay?: PathOverlay): string {
  const steps = graph.nodes.filter((n) => !n.boundary).length;
  const subgraphs = [...new Set(graph.nodes.flatMap((n) => (n.subgraph ? [n.subgraph] : [])))];
  const shape = `${steps} nodes, ${graph.edges.length} edges${
    subgraphs.length > 0 ? `, subgraph ${subgraphs.join(", ")} expanded` : ""
  }.`;
  if (!overlay || label === undefined) return escapeHtml(shape);
  const turns = overlay.routes.length;
  const parts = [
    `${label}: ${turns} turn${turns === 1 ? "" : "s"}, ${overlay.handovers.length} handover${
      overlay.handovers.length === 1 ? "" : "s"
    }. Click a turn to see its path.`,
  ];
  if (overlay.undrawn.length > 0) {
    const missing = overlay.undrawn.map((e) => `${e.source} → ${e.target}`).join(", ");
    parts.push(`Transitions missing from the drawing: ${missing}.`);
  }
  return escapeHtml(parts.join(" "));
}

/** A graph's page: the drawing, and with a conversation its path and transcript beside it. */
export function renderGraphPage(options: GraphPageOptions): string {
  const { graph, assets } = options;
  const overlay = options.conversation && overlayPath(graph, options.conversation.conversation);
  const drawing = toMermaid(graph, overlay);
  const title = graphTitle(graph.name);
  const agentOf = new Map(graph.nodes.flatMap((n) => (n.agent ? [[n.id, n.agent] as const] : [])));
  const routes = overlay?.routes.map((r) => r.flatMap((id) => drawing.ids.get(id) ?? [])) ?? [];
  return fillTemplate("graph.html", {
    title: escapeHtml(options.conversation ? `${title} · ${options.conversation.label}` : title),
    styles: stylesTag(assets),
    index_href: escapeHtml(options.indexHref),
    heading: escapeHtml(`${title} (${graph.name})`),
    summary: summary(graph, options.conversation?.label, overlay),
    layout: overlay ? "with-transcript" : "graph-only",
    legend: legendHtml(drawing.agents, overlay),
    mermaid: escapeHtml(drawing.text),
    transcript:
      overlay && options.conversation
        ? transcriptHtml(options.conversation.conversation, overlay, agentOf)
        : "",
    data: jsonForScript({ mermaid: drawing.text, routes }),
    scripts: scriptTags(assets, ["mermaid.min.js", "graph-page.js"]),
  });
}
