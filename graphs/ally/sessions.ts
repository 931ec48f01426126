import type { AllyContext } from "../../domain/index.js";
import type { AgentSession, LuminaTask } from "../agent-sessions.js";
import type { AllyStateValue } from "./state.js";

/** The learner and the checkpoint being briefed or taught, as both Ally agents are told. */
function checkpointFields(state: AllyStateValue, context: AllyContext) {
  const checkpoints = context.mission.byte_size_checkpoints;
  const index = Math.min(state.checkpoint_index, checkpoints.length - 1);
  return {
    learner_name: context.learner.name,
    learning_style: context.learner.learning_style,
    mission_title: context.mission.title,
    checkpoint_number: index + 1,
    checkpoint_total: checkpoints.length,
    checkpoint_title: checkpoints[index] ?? "",
  };
}

export function luminaSession(
  state: AllyStateValue,
  context: AllyContext,
  task: LuminaTask,
): AgentSession<"mission_ally"> {
  return {
    task,
    ...checkpointFields(state, context),
    completed_checkpoints: state.completed_checkpoints,
    just_completed: state.just_completed,
  };
}

export function senseiSession(
  state: AllyStateValue,
  context: AllyContext,
): AgentSession<"mission_sensei"> {
  return {
    ...checkpointFields(state, context),
    learner_level: context.mission.level,
    learner_turns_in_checkpoint: state.learner_turns_in_checkpoint,
  };
}
