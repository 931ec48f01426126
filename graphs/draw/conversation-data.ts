import type { Conversation } from "./conversation.js";
import type { DrawnGraph } from "./drawn-graph.js";
import type { MermaidDrawing } from "./mermaid.js";
import type { ConversationData, ForkData, StepData, TurnData } from "./page-data.js";
import { edgeKey, type PathOverlay } from "./path-overlay.js";

/** A turn's route as the drawing names it: its nodes' Mermaid ids and the ids of its edges. */
function routeIds(route: string[], drawing: MermaidDrawing): TurnData["route"] {
  const edges: string[] = [];
  for (let at = 0; at + 1 < route.length; at++) {
    const edge = drawing.edgeIds.get(edgeKey(route[at]!, route[at + 1]!));
    if (edge) edges.push(edge);
  }
  return { nodes: route.flatMap((id) => drawing.ids.get(id) ?? []), edges };
}

/**
 * The conversation as the page's script shows it: each turn's learner message, the nodes it ran
 * with what each said and where control changed hands, its route through the drawing and the
 * state it left.
 */
export function conversationData(
  graph: DrawnGraph,
  drawing: MermaidDrawing,
  overlay: PathOverlay,
  conversation: {
    label: string;
    conversation: Conversation;
    checkpoints?: string[];
    fork?: ForkData;
  },
): ConversationData {
  const agentOf = new Map(graph.nodes.flatMap((n) => (n.agent ? [[n.id, n.agent] as const] : [])));
  const turns = conversation.conversation.turns.map((turn, index): TurnData => {
    const pending = overlay.handovers.filter((h) => h.turn === index);
    const steps = turn.steps.map((step): StepData => {
      const handover = pending[0]?.node === step.node ? pending.shift() : undefined;
      return {
        node: step.node,
        agent: agentOf.get(step.node),
        ...(handover && { handover: { from: handover.from, to: handover.to } }),
        said: step.said,
      };
    });
    return {
      learner: turn.learner,
      at: turn.at,
      route: routeIds(overlay.routes[index] ?? [], drawing),
      steps,
      unattributed: turn.unattributed,
      state: turn.state,
    };
  });
  const { label, checkpoints, fork } = conversation;
  return { label, checkpoints, turns, ...(fork && { fork }) };
}
