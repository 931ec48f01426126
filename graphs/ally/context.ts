import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { readAllyContext } from "../../domain/index.js";
import type { AllyStateValue } from "./state.js";

const list = (items: string[]) => (items.length > 0 ? items.join(" | ") : "none");

/** The session-context values both Ally prompts share. */
export function promptContext(state: AllyStateValue, config: LangGraphRunnableConfig) {
  const { learner, mission } = readAllyContext(config);
  const checkpoints = mission.byte_size_checkpoints;
  const index = Math.min(state.checkpoint_index, checkpoints.length - 1);
  return {
    learner_name: learner.name,
    learning_style: list(learner.learning_style),
    learner_level: mission.level,
    mission_title: mission.title,
    checkpoint_number: index + 1,
    checkpoint_total: checkpoints.length,
    checkpoint_title: checkpoints[index] ?? "",
    completed_checkpoints: list(state.completed_checkpoints),
    just_completed: state.just_completed ?? "none",
    learner_turns_in_checkpoint: state.learner_turns_in_checkpoint,
  };
}
