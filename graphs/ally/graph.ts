import {
  END,
  START,
  StateGraph,
  type BaseCheckpointSaver,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import type { AllySessionStore, EnrollmentStore } from "../../store/index.js";
import { readAllyContext } from "../../tools/index.js";
import type { ModelFactory } from "../models/index.js";
import { recordStep, stepsInside } from "../turn-path.js";
import { intake, routeTurn } from "./intake.js";
import { afterLumina, luminaNode } from "./lumina.js";
import { buildSenseiGraph, type SenseiGraph } from "./sensei/graph.js";
import { AllyState, type AllyStateUpdate, type AllyStateValue } from "./state.js";

export interface AllyGraphOptions {
  models: ModelFactory;
  enrollments: EnrollmentStore;
  allySessions: AllySessionStore;
  checkpointer?: BaseCheckpointSaver;
}

/**
 * Runs the sensei subgraph on the turn's state and returns only what it added, so the thread's
 * delta channel records the new messages rather than the whole transcript again, and the turn's
 * path gains the sensei's inner steps rather than its own copy of the path so far.
 */
function senseiNode(sensei: SenseiGraph) {
  return async (
    state: AllyStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<AllyStateUpdate> => {
    const { messages, turn_path, ...rest } = await sensei.invoke(state, config);
    const known = new Set(state.messages.map((m) => m.id));
    return {
      ...rest,
      messages: messages.filter((m) => !known.has(m.id)),
      turn_path: stepsInside("mission_sensei", state.turn_path, turn_path),
    };
  };
}

function closeSessionNode(allySessions: AllySessionStore) {
  return async (
    _state: AllyStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<AllyStateUpdate> => {
    await allySessions.markCompleted(readAllyContext(config).ally_session_id);
    config.writer?.({ type: "session_closed" });
    return {};
  };
}

/** Back to Lumina once the sensei has completed the checkpoint. */
const afterSensei = (state: AllyStateValue) => (state.phase === "teaching" ? END : "lumina");

export function buildAllyGraph(options: AllyGraphOptions) {
  const sensei = buildSenseiGraph(options);
  return new StateGraph(AllyState)
    .addNode("intake", recordStep(intake))
    .addNode("lumina", recordStep(luminaNode(options.models)), {
      metadata: { agent: "mission_ally", prompt: "prompts/ally/lumina.md" },
    })
    .addNode("mission_sensei", senseiNode(sensei), {
      subgraphs: [sensei],
      metadata: { agent: "mission_sensei", prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode("close_session", recordStep(closeSessionNode(options.allySessions)), {
      metadata: { agent: "mission_ally" },
    })
    .addEdge(START, "intake")
    .addConditionalEdges("intake", routeTurn, ["lumina", "mission_sensei", END])
    .addConditionalEdges("lumina", afterLumina, ["mission_sensei", "close_session", END])
    .addConditionalEdges("mission_sensei", afterSensei, ["lumina", END])
    .addEdge("close_session", END)
    .compile({ checkpointer: options.checkpointer, name: "mission_ally" });
}

export type AllyGraph = ReturnType<typeof buildAllyGraph>;
