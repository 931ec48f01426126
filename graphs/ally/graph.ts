import {
  END,
  START,
  StateGraph,
  type BaseCheckpointSaver,
  type LangGraphRunnableConfig,
} from "@langchain/langgraph";
import {
  AGENTS,
  AllyContextSchema,
  GRAPHS,
  NODES,
  announce,
  readAllyContext,
  type AllyContext,
} from "../../domain/index.js";
import type { AllySessionStore, EnrollmentStore } from "../../store/index.js";
import type { ModelFactory } from "../models/index.js";
import { LearnerInput } from "../dialogue.js";
import { recordStep, stepsInside } from "../turn-path.js";
import { intake, routeTurn } from "./intake.js";
import { afterLumina, luminaNode } from "./lumina.js";
import { checkAnswerNode } from "./check-answer.js";
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
    config: LangGraphRunnableConfig<AllyContext>,
  ): Promise<AllyStateUpdate> => {
    const { messages, turn_path, ...rest } = await sensei.invoke(state, config);
    const known = new Set(state.messages.map((m) => m.id));
    return {
      ...rest,
      messages: messages.filter((m) => !known.has(m.id)),
      turn_path: stepsInside(NODES.sensei, state.turn_path, turn_path),
    };
  };
}

function closeSessionNode(allySessions: AllySessionStore) {
  return async (
    _state: AllyStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<AllyStateUpdate> => {
    await allySessions.markCompleted(readAllyContext(config).ally_session_id);
    announce(config, { type: "session_closed" });
    return {};
  };
}

/** Back to Lumina once the sensei has completed the checkpoint. */
const afterSensei = (state: AllyStateValue) => (state.phase === "teaching" ? END : NODES.lumina);

export function buildAllyGraph(options: AllyGraphOptions) {
  const sensei = buildSenseiGraph(options);
  return new StateGraph({ state: AllyState, input: LearnerInput, context: AllyContextSchema })
    .addNode(NODES.intake, recordStep(intake))
    .addNode(NODES.lumina, recordStep(luminaNode(options.models)), {
      metadata: { agent: AGENTS.ally, prompt: "prompts/ally/lumina.md" },
    })
    .addNode(NODES.checkAnswer, recordStep(checkAnswerNode(options.models)), {
      metadata: { agent: AGENTS.sensei, prompt: "prompts/ally/mission_sensei_check.md" },
    })
    .addNode(NODES.sensei, senseiNode(sensei), {
      subgraphs: [sensei],
      metadata: { agent: AGENTS.sensei, prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode(NODES.closeSession, recordStep(closeSessionNode(options.allySessions)), {
      metadata: { agent: AGENTS.ally },
    })
    .addEdge(START, NODES.intake)
    .addConditionalEdges(NODES.intake, routeTurn, [
      NODES.lumina,
      NODES.checkAnswer,
      NODES.sensei,
      END,
    ])
    .addEdge(NODES.checkAnswer, NODES.sensei)
    .addConditionalEdges(NODES.lumina, afterLumina, [NODES.sensei, NODES.closeSession, END])
    .addConditionalEdges(NODES.sensei, afterSensei, [NODES.lumina, END])
    .addEdge(NODES.closeSession, END)
    .compile({ checkpointer: options.checkpointer, name: GRAPHS.ally });
}

export type AllyGraph = ReturnType<typeof buildAllyGraph>;
