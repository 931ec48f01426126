import type { Conversation, Turn, Utterance } from "./conversation.js";
import { escapeHtml } from "./html.js";
import type { Handover, PathOverlay } from "./path-overlay.js";

function utteranceHtml(said: Utterance): string {
  if (said.kind === "say") return `<p class="say">${escapeHtml(said.text)}</p>`;
  if (said.kind === "tool_call") {
    return `<p class="tool">calls ${escapeHtml(said.name)}(${escapeHtml(said.args)})</p>`;
  }
  return `<p class="tool">→ ${escapeHtml(said.text)}</p>`;
}

const handoverHtml = (handover: Handover) =>
  `<li class="handover-note">handover: ${escapeHtml(handover.from)} → ${escapeHtml(handover.to)}</li>`;

function stepsHtml(turn: Turn, handovers: Handover[], agentOf: Map<string, string>): string {
  const pending = [...handovers];
  const items: string[] = [];
  for (const step of turn.steps) {
    if (pending[0]?.node === step.node) items.push(handoverHtml(pending.shift()!));
    const agent = agentOf.get(step.node);
    const name = agent ? `${step.node} · ${agent}` : step.node;
    items.push(
      `<li class="step"><span class="node">${escapeHtml(name)}</span>${step.said.map(utteranceHtml).join("")}</li>`,
    );
  }
  return items.length > 0 ? `<ol class="steps">${items.join("")}</ol>` : "";
}

function turnHtml(
  turn: Turn,
  index: number,
  overlay: PathOverlay,
  agentOf: Map<string, string>,
): string {
  const handovers = overlay.handovers.filter((h) => h.turn === index);
  const time = turn.at
    ? `<time datetime="${escapeHtml(turn.at)}">${escapeHtml(turn.at)}</time>`
    : "";
  const unrecorded =
    turn.steps.length === 0 ? `<p class="tool">The path of this turn was not recorded.</p>` : "";
  return [
    `<li class="turn" data-turn="${index}" tabindex="0">`,
    `<div class="turn-head"><span>Turn ${index + 1}</span>${time}</div>`,
    `<p class="learner">${escapeHtml(turn.learner)}</p>`,
    stepsHtml(turn, handovers, agentOf),
    unrecorded,
    turn.unattributed.map(utteranceHtml).join(""),
    "</li>",
  ].join("");
}

/** The conversation beside the drawing: each turn's learner message, then each node it ran. */
export function transcriptHtml(
  conversation: Conversation,
  overlay: PathOverlay,
  agentOf: Map<string, string>,
): string {
  const turns = conversation.turns.map((turn, i) => turnHtml(turn, i, overlay, agentOf));
  const body =
    turns.length > 0
      ? `<ol class="turns">${turns.join("")}</ol>`
      : "<p>This conversation has no turns yet.</p>";
  return `<section class="transcript"><h2>Transcript</h2>${body}</section>`;
}
