import type { TurnData } from "../../../graphs/draw/page-data.js";

type MermaidApi = typeof import("mermaid").default;
export type Route = TurnData["route"];

/** Mermaid from the page itself (a page opened from a file), or its ES module from the server. */
async function loadMermaid(module: string | undefined): Promise<MermaidApi> {
  const inline = (globalThis as { mermaid?: MermaidApi }).mermaid;
  if (inline) return inline;
  if (!module) throw new Error("this page carries no Mermaid");
  return ((await import(module)) as { default: MermaidApi }).default;
}

export interface Drawing {
  /** Shows `route` alone, the rest faded; no route shows the whole drawing again. */
  focus(route: Route | undefined): void;
}

interface DrawnParts {
  svg: SVGSVGElement;
  /** By Mermaid id. */
  nodes: Map<string, Element>;
  /** An edge's path and label, by the edge's id. */
  edges: Map<string, Element[]>;
}

/** Mermaid names each node's element `…flowchart-<id>-<n>`, and gives each edge a `data-id`. */
function partsOf(svg: SVGSVGElement): DrawnParts {
  const nodes = new Map<string, Element>();
  for (const element of svg.querySelectorAll("g.node")) {
    const match = /flowchart-(.+)-\d+$/.exec(element.id);
    if (!match) continue;
    element.setAttribute("data-node", match[1]!);
    nodes.set(match[1]!, element);
  }
  const edges = new Map<string, Element[]>();
  const add = (id: string | null, element: Element | null) => {
    if (!id || !element) return;
    element.setAttribute("data-edge", id);
    edges.set(id, [...(edges.get(id) ?? []), element]);
  };
  for (const path of svg.querySelectorAll("path.flowchart-link")) {
    add(path.getAttribute("data-id"), path);
  }
  for (const label of svg.querySelectorAll(".edgeLabel > .label[data-id]")) {
    add(label.getAttribute("data-id"), label.parentElement);
  }
  return { svg, nodes, edges };
}

/** Draws `source` into `container`, securely: Mermaid's strict level, no script from labels. */
export async function draw(
  container: HTMLElement,
  source: string,
  mermaidModule: string | undefined,
): Promise<Drawing> {
  const mermaid = await loadMermaid(mermaidModule);
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    flowchart: { htmlLabels: true },
  });
  const { svg } = await mermaid.render("graph-svg", source);
  container.innerHTML = svg;
  const parts = partsOf(container.querySelector("svg")!);
  return {
    focus(route) {
      for (const element of parts.svg.querySelectorAll(".on-route")) {
        element.classList.remove("on-route");
      }
      parts.svg.classList.toggle("focusing", route !== undefined);
      if (!route) return;
      for (const id of route.nodes) parts.nodes.get(id)?.classList.add("on-route");
      for (const id of route.edges) {
        for (const element of parts.edges.get(id) ?? []) element.classList.add("on-route");
      }
    },
  };
}
