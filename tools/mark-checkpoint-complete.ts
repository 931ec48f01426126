import { ToolMessage } from "@langchain/core/messages";
import { tool, type ToolRunnableConfig } from "@langchain/core/tools";
import { Command, getCurrentTaskInput, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import type { EnrollmentStore } from "../store/index.js";
import {
  AGENTS,
  TOOLS,
  announce,
  assessmentRefusal,
  completedPositions,
  evidenceOf,
  nextCheckpoint,
  progressPercent,
  readAllyContext,
  titlesAt,
  type Assessment,
  type CheckpointEvidence,
} from "../domain/index.js";

/** The part of the Ally's state the completion rules read. */
export interface CheckpointProgressState {
  phase: string;
  active_agent: string;
  checkpoint_index: number;
  completed_checkpoints: string[];
  progress: number;
  /** The current checkpoint's assessments. */
  assessments: Assessment[];
  /** What earned each completed checkpoint. */
  evidence: CheckpointEvidence[];
}

/**
 * Why completing the current checkpoint is not allowed now, or undefined when it is. Checkpoints
 * are identified by position, so several that share a title are each completed in turn.
 */
export function completionRefusal(
  state: CheckpointProgressState,
  checkpoints: string[],
): string | undefined {
  if (state.active_agent !== AGENTS.sensei || state.phase !== "teaching") {
    return "only the teacher can complete a checkpoint, while teaching it";
  }
  const current = checkpoints[state.checkpoint_index];
  if (current === undefined) return "every checkpoint is already complete";
  if (
    completedPositions(checkpoints, state.completed_checkpoints).includes(state.checkpoint_index)
  ) {
    return "this checkpoint is already complete";
  }
  return assessmentRefusal(
    state.assessments.filter((a) => a.checkpoint === state.checkpoint_index),
  );
}

/**
 * The only way progress changes. It completes the checkpoint being taught, which the server knows
 * from state, so the model has nothing to fill in. Enforces the completion rules, saves progress to
 * the enrollment and the dashboard copy in one transaction, announces it on the custom stream and
 * records it in state, with the learner's answers as the checkpoint's evidence.
 */
export function markCheckpointCompleteTool(
  enrollments: EnrollmentStore,
  now: () => string = () => new Date().toISOString(),
) {
  return tool(
    async (_args, config: LangGraphRunnableConfig & ToolRunnableConfig) => {
      const state = getCurrentTaskInput<CheckpointProgressState>(config);
      const ally = readAllyContext(config);
      const checkpoints = ally.mission.byte_size_checkpoints;
      const toolCallId = String(config.toolCall?.id ?? TOOLS.markCheckpointComplete);
      const refusal = completionRefusal(state, checkpoints);
      if (refusal) {
        return new Command({
          update: {
            messages: [
              new ToolMessage({ tool_call_id: toolCallId, content: `Refused: ${refusal}.` }),
            ],
          },
        });
      }
      const positions = [
        ...completedPositions(checkpoints, state.completed_checkpoints),
        state.checkpoint_index,
      ];
      const completed = titlesAt(checkpoints, positions);
      const next = nextCheckpoint(checkpoints, positions);
      const finished = next === checkpoints.length;
      const progress = Math.max(
        state.progress,
        progressPercent(positions.length, checkpoints.length),
      );
      await enrollments.recordProgress(ally.user_id, ally.mission.id, {
        completed_checkpoints: completed,
        progress,
        completed: finished,
      });
      announce(config, { type: "checkpoint_update", completed_checkpoints: completed, progress });
      const current = state.assessments.filter((a) => a.checkpoint === state.checkpoint_index);
      const evidence = evidenceOf(current, {
        position: state.checkpoint_index,
        title: checkpoints[state.checkpoint_index] ?? "",
        completedAt: now(),
      });
      return new Command({
        update: {
          messages: [
            new ToolMessage({
              tool_call_id: toolCallId,
              content: `Checkpoint ${state.checkpoint_index + 1} complete.`,
            }),
          ],
          completed_checkpoints: completed,
          progress,
          checkpoint_index: next,
          phase: finished ? "wrap_up" : "briefing",
          active_agent: AGENTS.ally,
          just_completed: checkpoints[state.checkpoint_index],
          learner_turns_in_checkpoint: 0,
          assessments: [],
          evidence: [...state.evidence, evidence],
          last_reply: null,
        },
      });
    },
    {
      name: TOOLS.markCheckpointComplete,
      description:
        "Mark the checkpoint you are teaching complete, once the learner has answered your questions in their own words and feels confident.",
      schema: z.object({}),
    },
  );
}
