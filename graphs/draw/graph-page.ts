import { assetHref, flowchartModules, scriptTags, stylesTag, type PageAssets } from "./assets.js";
import type { Conversation } from "./conversation.js";
import { conversationData } from "./conversation-data.js";
import type { DrawnGraph } from "./drawn-graph.js";
import { escapeHtml, fillTemplate, jsonForScript } from "./html.js";
import { toMermaid, type AgentStyle } from "./mermaid.js";
import type { ForkData, PageData } from "./page-data.js";
import { overlayPath, type PathOverlay } from "./path-overlay.js";

export interface PageConversation {
  /** What to call the conversation: its topic or mission. */
  label: string;
  conversation: Conversation;
  /** The mission's checkpoint titles, for a conversation that follows a mission. */
  checkpoints?: string[];
  /** Offered when the server can fork the conversation. */
  fork?: ForkData;
}

export interface GraphPageOptions {
  graph: DrawnGraph;
  /** A conversation to lay over the drawing. */
  conversation?: PageConversation;
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
      `<li data-agent="${escapeHtml(a.agent)}" style="--swatch-fill:${a.fill};--swatch-stroke:${a.stroke}">${escapeHtml(a.agent)}</li>`,
  );
  items.push('<li class="orchestration">orchestration (code)</li>');
  items.push('<li class="conditional">dotted edges are conditional</li>');
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
    `${label} · ${turns} turn${turns === 1 ? "" : "s"}, ${overlay.handovers.length} handover${
      overlay.handovers.length === 1 ? "" : "s"
    }. Click a turn to see its path and the state it left.`,
  ];
  if (overlay.undrawn.length > 0) {
    const missing = overlay.undrawn.map((e) => `${e.source} → ${e.target}`).join(", ");
    parts.push(`Transitions missing from the drawing: ${missing}.`);
  }
  return escapeHtml(parts.join(" "));
}

/** Mermaid's entry, by version, and the chunks a flowchart needs, named by their content. */
async function mermaidPreloads(base: string, entry: string) {
  const [, ...chunks] = await flowchartModules();
  return [entry, ...chunks.map((chunk) => base + chunk)]
    .map((href) => `<link rel="modulepreload" href="${escapeHtml(href)}" />`)
    .join("\n    ");
}

/** A graph's page: the drawing, and with a conversation its path, transcript and states. */
export async function renderGraphPage(options: GraphPageOptions): Promise<string> {
  const { graph, assets, conversation } = options;
  const overlay = conversation && overlayPath(graph, conversation.conversation);
  const drawing = toMermaid(graph, overlay);
  const title = graphTitle(graph.name);
  const mermaidModule = assets.inline
    ? undefined
    : await assetHref(assets.base, "mermaid.esm.min.mjs");
  const data: PageData = {
    mermaid: drawing.text,
    mermaidModule,
    conversation:
      overlay && conversation && conversationData(graph, drawing, overlay, conversation),
  };
  return fillTemplate("graph.html", {
    title: escapeHtml(conversation ? `${title} · ${conversation.label}` : title),
    styles: await stylesTag(assets),
    preload: assets.inline ? "" : await mermaidPreloads(assets.base, mermaidModule!),
    index_href: escapeHtml(options.indexHref),
    heading: escapeHtml(`${title} (${graph.name})`),
    summary: summary(graph, conversation?.label, overlay),
    layout: overlay ? "with-transcript" : "graph-only",
    legend: legendHtml(drawing.agents, overlay),
    mermaid: escapeHtml(drawing.text),
    transcript: overlay
      ? '<section class="transcript" id="transcript"><h2>Transcript</h2><p>Loading the turns…</p></section>'
      : "",
    data: jsonForScript(data),
    scripts: await scriptTags(assets, "graph-page.js", true),
  });
}
