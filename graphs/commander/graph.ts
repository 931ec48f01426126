import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { AGENTS, CommanderContextSchema, GRAPHS, NODES, TOOLS } from "../../domain/index.js";
import { createMissionTool } from "../../tools/index.js";
import type { MissionStore } from "../../store/index.js";
import type { ModelFactory } from "../models/index.js";
import { LearnerInput } from "../dialogue.js";
import { recordStep } from "../turn-path.js";
import { createMissionNode, curatorNode, intake, polarisNode } from "./nodes.js";
import { CommanderState, type CommanderStateValue } from "./state.js";

export interface CommanderGraphOptions {
  models: ModelFactory;
  missions: MissionStore;
  checkpointer?: BaseCheckpointSaver;
}

/**
 * The learner's turn goes to Polaris during the interview. A confirmed goal whose curation failed
 * is curated again on the next message, so a failed turn never strands the conversation.
 */
function routeTurn(state: CommanderStateValue) {
  if (state.phase === "interview") return NODES.polaris;
  return state.phase === "curating" ? NODES.curator : END;
}

/** A confirmed goal goes to the curator; a refused confirmation lets Polaris answer it. */
const afterPolaris = (state: CommanderStateValue) => {
  if (state.phase === "curating") return NODES.curator;
  return state.messages.at(-1)?.type === "tool" ? NODES.polaris : END;
};

/** A curated mission is saved; a goal no mission could be made from goes back to the interview. */
const afterCurator = (state: CommanderStateValue) =>
  state.phase === "curating" && state.draft ? NODES.createMission : END;

export function buildCommanderGraph(options: CommanderGraphOptions) {
  const deps = { models: options.models, createMission: createMissionTool(options.missions) };
  return new StateGraph({
    state: CommanderState,
    input: LearnerInput,
    context: CommanderContextSchema,
  })
    .addNode(NODES.intake, recordStep(intake))
    .addNode(NODES.polaris, recordStep(polarisNode(deps)), {
      metadata: { agent: AGENTS.polaris, prompt: "prompts/commander/polaris.md" },
    })
    .addNode(NODES.curator, recordStep(curatorNode(deps)), {
      metadata: { agent: AGENTS.curator, prompt: "prompts/commander/mission_curator.md" },
    })
    .addNode(NODES.createMission, recordStep(createMissionNode(deps)), {
      metadata: { agent: AGENTS.curator, tool: TOOLS.createMission },
    })
    .addEdge(START, NODES.intake)
    .addConditionalEdges(NODES.intake, routeTurn, [NODES.polaris, NODES.curator, END])
    .addConditionalEdges(NODES.polaris, afterPolaris, [NODES.curator, NODES.polaris, END])
    .addConditionalEdges(NODES.curator, afterCurator, [NODES.createMission, END])
    .addEdge(NODES.createMission, END)
    .compile({ checkpointer: options.checkpointer, name: GRAPHS.commander });
}

export type CommanderGraph = ReturnType<typeof buildCommanderGraph>;
