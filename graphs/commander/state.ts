import { StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import {
  MissionDraftSchema,
  NO_TRANSCRIPT_MARK,
  TranscriptMarkSchema,
} from "../../domain/index.js";
import { LearningGoalSchema } from "../../tools/index.js";
import { DialogueValue } from "../dialogue.js";
import { TurnPathValue } from "../turn-path.js";

export const CommanderPhase = z.enum(["interview", "curating", "created"]);
export type CommanderPhase = z.infer<typeof CommanderPhase>;

/**
 * `messages` is a delta channel: a checkpoint stores the turn's new messages, not the whole
 * transcript, so a turn's cost does not grow with the conversation.
 */
export const CommanderState = new StateSchema({
  messages: DialogueValue,
  phase: CommanderPhase.default("interview"),
  goal: LearningGoalSchema.nullable().default(null),
  draft: MissionDraftSchema.nullable().default(null),
  mission_id: z.string().nullable().default(null),
  /** The nodes this turn ran, for the graph pages. */
  turn_path: TurnPathValue,
  /**
   * How much of the conversation's transcript log this state has taken in; the server sets it with
   * each turn's input, and folds what came after it into the next turn.
   */
  transcript: TranscriptMarkSchema.default(NO_TRANSCRIPT_MARK),
});

export type CommanderStateValue = typeof CommanderState.State;
export type CommanderStateUpdate = typeof CommanderState.Update;
