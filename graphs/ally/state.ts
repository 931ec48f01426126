import { StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import {
  AGENTS,
  AssessmentSchema,
  CheckpointEvidenceSchema,
  LearnerReplySchema,
  NO_TRANSCRIPT_MARK,
  TranscriptMarkSchema,
} from "../../domain/index.js";
import { DialogueValue } from "../dialogue.js";
import { TurnPathValue } from "../turn-path.js";

export const AllyPhase = z.enum(["greeting", "briefing", "teaching", "wrap_up", "done"]);
export type AllyPhase = z.infer<typeof AllyPhase>;

export const AllyAgent = z.enum([AGENTS.ally, AGENTS.sensei]);
export type AllyAgent = z.infer<typeof AllyAgent>;

/**
 * The phase machine that decides who speaks. The mission itself is not copied here: it arrives
 * fresh with every turn in `config.configurable.ally`.
 */
export const AllyState = new StateSchema({
  messages: DialogueValue,
  phase: AllyPhase.default("greeting"),
  /** Index of the checkpoint being briefed or taught. */
  checkpoint_index: z.number().int().min(0).default(0),
  /**
   * The titles of the completed checkpoints, as the client is sent them. Completion goes by
   * position (`completedPositions`), so a title repeats once per checkpoint that has it.
   */
  completed_checkpoints: z.array(z.string()).default([]),
  progress: z.number().min(0).max(100).default(0),
  /** Who the next learner turn goes to. */
  active_agent: AllyAgent.default(AGENTS.ally),
  /** Learner messages since teaching of the current checkpoint began. */
  learner_turns_in_checkpoint: z.number().int().min(0).default(0),
  /**
   * The current checkpoint's comprehension questions: each opened by the teacher, closed only by
   * a substantive answer, with the teacher's verdict on it.
   */
  assessments: z.array(AssessmentSchema).default([]),
  /**
   * The checkpoint whose dialogue `messages` holds; when the learner moves on, the earlier
   * checkpoint's dialogue is dropped (null: a thread stored before the dialogue was bounded).
   */
  dialogue_checkpoint: z.number().int().min(0).nullable().default(null),
  /**
   * The completed checkpoints, each with the learner's answers that earned it: the agents' record
   * of the checkpoints whose dialogue is gone.
   */
  evidence: z.array(CheckpointEvidenceSchema).default([]),
  /** How the latest learner message was read while teaching: an answer, or why not. */
  last_reply: LearnerReplySchema.nullable().default(null),
  /**
   * The checkpoint just completed, until Lumina has celebrated it and briefed the next one: a
   * refused briefing is given again on the learner's next message.
   */
  just_completed: z.string().nullable().default(null),
  /** The nodes this turn ran, for the graph pages. */
  turn_path: TurnPathValue,
  /**
   * How much of the conversation's transcript log this state has taken in; the server sets it with
   * each turn's input, and folds what came after it into the next turn.
   */
  transcript: TranscriptMarkSchema.default(NO_TRANSCRIPT_MARK),
});

export type AllyStateValue = typeof AllyState.State;
export type AllyStateUpdate = typeof AllyState.Update;
