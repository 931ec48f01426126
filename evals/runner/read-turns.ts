import {
  drawGraph,
  overlayPath,
  readConversation,
  type Conversation,
  type ConversationGraph,
  type DrawableGraph,
  type DrawnGraph,
} from "../../graphs/draw/index.js";
import type { TranscriptStore } from "../../store/index.js";
import type { TrajectoryItem } from "./trace.js";

export type ReadableGraph = ConversationGraph & DrawableGraph;

/** A turn the case sent, and whether the server answered it with an error (and so undid it). */
export interface SentTurn {
  step: number;
  text: string;
  failed: boolean;
}

export interface TurnRecord {
  path: string[];
  /** The turn's handovers and tool calls, not yet placed at a case step. */
  trajectory: Omit<TrajectoryItem, "step">[];
}

export interface StepRecord {
  path: string[];
  trajectory: TrajectoryItem[];
}

const drawings = new Map<string, Promise<DrawnGraph>>();

/** Drawings only depend on the graph's shape, so each is drawn once per process. */
export function drawingOf(graph: ReadableGraph): Promise<DrawnGraph> {
  let drawing = drawings.get(graph.getName());
  if (!drawing) {
    drawing = drawGraph(graph);
    drawings.set(graph.getName(), drawing);
  }
  return drawing;
}

function parseArgs(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/**
 * Each turn's path and trajectory, in the order of the conversation's turns, from what the graph
 * pages read: the conversation's transcript log and each turn's `turn_path`. Handovers are where the
 * drawing's agent changes along the path; tool calls come from the AI messages each node added,
 * with the tool's answer.
 */
export function turnRecords(drawing: DrawnGraph, conversation: Conversation): TurnRecord[] {
  const agentOf = new Map(drawing.nodes.map((node) => [node.id, node.agent]));
  const { handovers } = overlayPath(drawing, conversation);
  return conversation.turns.map((recorded, index) => {
    const pending = handovers.filter((h) => h.turn === index);
    const trajectory: TurnRecord["trajectory"] = [];
    const awaitingResult: TurnRecord["trajectory"] = [];
    for (const step of recorded.steps) {
      const agent = agentOf.get(step.node);
      if (pending[0]?.node === step.node) {
        trajectory.push({ kind: "handover", name: pending.shift()!.to });
      }
      for (const said of step.said) {
        if (said.kind === "tool_call") {
          const item = {
            kind: "tool" as const,
            name: said.name,
            args: parseArgs(said.args),
            agent,
          };
          trajectory.push(item);
          awaitingResult.push(item);
        } else if (said.kind === "tool_result") {
          const call = awaitingResult.shift();
          if (call) call.result = said.text;
        }
      }
    }
    return { path: recorded.steps.map((s) => s.node), trajectory };
  });
}

/** Reads a thread's turns and pairs them with the case steps that sent them. */
export async function readTurns(
  graph: ReadableGraph,
  threadId: string,
  sent: SentTurn[],
  transcripts: TranscriptStore,
): Promise<Map<number, StepRecord>> {
  const [drawing, conversation] = await Promise.all([
    drawingOf(graph),
    readConversation(graph, threadId, transcripts),
  ]);
  const records = turnRecords(drawing, conversation);
  const byStep = new Map<number, StepRecord>();
  let next = 0;
  for (const turn of sent) {
    // A failed turn was undone, so it is not in the thread.
    if (turn.failed || conversation.turns[next]?.learner !== turn.text) continue;
    const { path, trajectory } = records[next]!;
    next += 1;
    byStep.set(turn.step, {
      path,
      trajectory: trajectory.map((item) => ({ ...item, step: turn.step })),
    });
  }
  return byStep;
}
