import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { createMissionTool } from "../../tools/index.js";
import type { MissionStore } from "../../store/index.js";
import type { ModelFactory } from "../models/index.js";
import { recordStep } from "../turn-path.js";
import { createMissionNode, curatorNode, polarisNode } from "./nodes.js";
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
  if (state.phase === "interview") return "polaris";
  return state.phase === "curating" ? "mission_curator" : END;
}

/** A confirmed goal goes to the curator; a refused confirmation lets Polaris answer it. */
const afterPolaris = (state: CommanderStateValue) => {
  if (state.phase === "curating") return "mission_curator";
  return state.messages.at(-1)?.type === "tool" ? "polaris" : END;
};

export function buildCommanderGraph(options: CommanderGraphOptions) {
  const deps = { models: options.models, createMission: createMissionTool(options.missions) };
  return new StateGraph(CommanderState)
    .addNode("polaris", recordStep(polarisNode(deps)), {
      metadata: { agent: "polaris", prompt: "prompts/commander/polaris.md" },
    })
    .addNode("mission_curator", recordStep(curatorNode(deps)), {
      metadata: { agent: "mission_curator", prompt: "prompts/commander/mission_curator.md" },
    })
    .addNode("create_mission", recordStep(createMissionNode(deps)), {
      metadata: { agent: "mission_curator", tool: "create_mission" },
    })
    .addConditionalEdges(START, routeTurn, ["polaris", "mission_curator", END])
    .addConditionalEdges("polaris", afterPolaris, ["mission_curator", "polaris", END])
    .addEdge("mission_curator", "create_mission")
    .addEdge("create_mission", END)
    .compile({ checkpointer: options.checkpointer, name: "mission_commander" });
}

export type CommanderGraph = ReturnType<typeof buildCommanderGraph>;
