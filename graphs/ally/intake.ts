import { END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  AGENTS,
  NODES,
  completedPositions,
  nextCheckpoint,
  progressPercent,
  readAllyContext,
  titlesAt,
} from "../../domain/index.js";
import { conversationRepairs } from "../conversation-repair.js";
import type { AllyStateUpdate, AllyStateValue } from "./state.js";

/**
 * Runs first on every learner turn. Repairs a conversation stored by an earlier version, counts
 * the learner's answers while teaching, and catches the state up with the enrollment if a
 * completion was saved by a turn whose checkpoint was lost.
 */
export function intake(state: AllyStateValue, config: LangGraphRunnableConfig): AllyStateUpdate {
  const { mission, stored_completed_checkpoints: stored } = readAllyContext(config);
  const checkpoints = mission.byte_size_checkpoints;
  const repairs = conversationRepairs(state.messages);
  const update: AllyStateUpdate = repairs.length > 0 ? { messages: repairs } : {};

  const known = completedPositions(checkpoints, state.completed_checkpoints);
  const missing = completedPositions(checkpoints, stored).filter((p) => !known.includes(p));
  if (missing.length > 0 && state.phase !== "done") {
    const positions = [...known, ...missing];
    const next = nextCheckpoint(checkpoints, positions);
    const greeting = state.phase === "greeting";
    const last = missing.at(-1);
    return {
      ...update,
      just_completed: greeting || last === undefined ? null : (checkpoints[last] ?? null),
      completed_checkpoints: titlesAt(checkpoints, positions),
      progress: Math.max(state.progress, progressPercent(positions.length, checkpoints.length)),
      checkpoint_index: next,
      phase: next === checkpoints.length ? "wrap_up" : greeting ? "greeting" : "briefing",
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
