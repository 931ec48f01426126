import { END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { AGENTS, NODES, progressPercent, readAllyContext } from "../../domain/index.js";
import type { AllyStateUpdate, AllyStateValue } from "./state.js";

/**
 * Runs first on every learner turn. Counts the learner's answers while teaching, and catches the
 * state up with the enrollment if a completion was saved by a turn whose checkpoint was lost.
 */
export function intake(state: AllyStateValue, config: LangGraphRunnableConfig): AllyStateUpdate {
  const { mission, stored_completed_checkpoints: stored } = readAllyContext(config);
  const checkpoints = mission.byte_size_checkpoints;
  const update: AllyStateUpdate = { just_completed: null };

  const missing = stored.filter((c) => !state.completed_checkpoints.includes(c));
  if (missing.length > 0 && state.phase !== "done") {
    const completed = [...state.completed_checkpoints, ...missing];
    const next = checkpoints.findIndex((c) => !completed.includes(c));
    const greeting = state.phase === "greeting";
    return {
      just_completed: greeting ? null : (missing.at(-1) ?? null),
      completed_checkpoints: completed,
      progress: Math.max(state.progress, progressPercent(completed.length, checkpoints.length)),
      checkpoint_index: next === -1 ? checkpoints.length : next,
      phase: next === -1 ? "wrap_up" : greeting ? "greeting" : "briefing",
      active_agent: AGENTS.ally,
      learner_turns_in_checkpoint: 0,
      assessment_answered: false,
    };
  }
  if (state.phase !== "teaching") return update;
  const lastAgentMessage = state.messages.findLast((m) => m.type === "ai" && m.text.trim() !== "");
  return {
    ...update,
    learner_turns_in_checkpoint: state.learner_turns_in_checkpoint + 1,
    assessment_answered:
      state.assessment_answered || (lastAgentMessage?.text.includes("?") ?? false),
  };
}

/** The next learner turn goes to the active agent. */
export function routeTurn(state: AllyStateValue) {
  if (state.phase === "done") return END;
  return state.phase === "teaching" ? NODES.sensei : NODES.lumina;
}
