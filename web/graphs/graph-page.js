/* global document, mermaid */
// Draws the graph page's Mermaid source and lets a click on a turn highlight the nodes it ran.
"use strict";

const data = JSON.parse(document.getElementById("graph-data").textContent);
const container = document.getElementById("graph");

/** Mermaid names each node's element `…flowchart-<id>-<n>`; index them by id. */
function nodeElements(svg) {
  const nodes = new Map();
  for (const element of svg.querySelectorAll("g.node")) {
    const match = /flowchart-(.+)-\d+$/.exec(element.id);
    if (!match) continue;
    element.dataset.node = match[1];
    nodes.set(match[1], element);
  }
  return nodes;
}

function focusTurn(turn, nodes) {
  const on = !turn.classList.contains("focus");
  for (const other of document.querySelectorAll(".turn.focus")) other.classList.remove("focus");
  for (const node of nodes.values()) node.classList.remove("focus");
  if (!on) return;
  turn.classList.add("focus");
  for (const id of data.routes[Number(turn.dataset.turn)] ?? []) {
    nodes.get(id)?.classList.add("focus");
  }
}

function wireTurns(nodes) {
  for (const turn of document.querySelectorAll(".turn[data-turn]")) {
    turn.addEventListener("click", () => focusTurn(turn, nodes));
    turn.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        focusTurn(turn, nodes);
      }
    });
  }
}

mermaid.initialize({
  startOnLoad: false,
  securityLevel: "strict",
  flowchart: { htmlLabels: true },
});
mermaid
  .render("graph-svg", data.mermaid)
  .then(({ svg }) => {
    container.innerHTML = svg;
    wireTurns(nodeElements(container.querySelector("svg")));
    document.body.dataset.rendered = "ok";
  })
  .catch((error) => {
    container.textContent = `The graph could not be drawn: ${error?.message ?? error}`;
    container.classList.add("error");
    document.body.dataset.rendered = "error";
  });
