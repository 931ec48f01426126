// A graph page: draws the graph and, with a conversation, shows each turn's path and state.
import type { PageData } from "../../../graphs/draw/page-data.js";
import { draw } from "./drawing.js";
import { forkPanel } from "./fork.js";
import { transcript } from "./transcript.js";

const data = JSON.parse(document.getElementById("graph-data")!.textContent!) as PageData;
const container = document.getElementById("graph")!;
const status = document.getElementById("focus-status")!;

function describeFocus(index: number | undefined): void {
  status.hidden = index === undefined;
  if (index === undefined) return;
  const steps = data.conversation!.turns[index]!.steps.map((s) => s.node);
  status.textContent = `Turn ${index + 1}: ${steps.length > 0 ? steps.join(" → ") : "path not recorded"}. The rest of the drawing is faded; press Escape or click the turn again to see the whole conversation.`;
}

try {
  const drawing = await draw(container, data.mermaid, data.mermaidModule);
  const section = document.getElementById("transcript");
  if (data.conversation && section) {
    const { turns, fork } = data.conversation;
    const view = transcript(section, data.conversation, {
      onSelect(index) {
        drawing.focus(index === undefined ? undefined : turns[index]!.route);
        describeFocus(index);
      },
      ...(fork && {
        onFork(index: number) {
          const panel = forkPanel(fork, index + 1, turns.length);
          document.getElementById("fork")?.remove();
          document.querySelector("main")!.after(panel);
          panel.scrollIntoView({ block: "start" });
          panel.querySelector("select")?.focus();
        },
      }),
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") view.select(undefined);
    });
    const linked = /^#turn-(\d+)$/.exec(location.hash);
    const index = linked ? Number(linked[1]) - 1 : -1;
    if (index >= 0 && index < turns.length) view.select(index);
  }
  performance.mark("graph-rendered");
  document.body.dataset.rendered = "ok";
} catch (error) {
  container.textContent = `The graph could not be drawn: ${(error as Error)?.message ?? error}`;
  container.classList.add("error");
  document.body.dataset.rendered = "error";
}
