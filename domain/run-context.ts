import { z } from "zod";
import { MissionSchema, type Mission } from "./mission.js";

// What the server hands each graph for a turn, as the graph's LangGraph context (`context` in the
// run's config, `config.context` in its nodes and tools). Each graph declares its schema, so
// LangGraph checks it when a run starts, and every reader goes through it. Every field is
// required (LangGraph types a run's context with every key present), so "not set" is null.

const promptsDir = z
  .string()
  .nullable()
  .describe(
    "Another copy of prompts/ to render the agents' prompts from; null for the shipped ones",
  );

/** A Mission Commander turn: who is being interviewed, in which session. */
export const CommanderContextSchema = z.object({
  user_id: z.string().describe("The learner being interviewed"),
  session_id: z.string().describe("The Commander session the new mission completes"),
  learner_name: z.string().describe("How Polaris addresses the learner"),
  prompts_dir: promptsDir,
});
export type CommanderContext = z.infer<typeof CommanderContextSchema>;

/**
 * A Mission Ally turn: the learner and their mission, loaded fresh for every turn so that profile
 * and mission edits reach the next one.
 */
export const AllyContextSchema = z.object({
  user_id: z.string().describe("The enrolled learner"),
  ally_session_id: z.string().describe("The enrollment's Ally session, completed at the end"),
  learner: z.object({ name: z.string(), learning_style: z.array(z.string()) }),
  mission: MissionSchema.pick({ id: true, title: true, level: true }).extend({
    byte_size_checkpoints: z.array(z.string()).min(1),
  }),
  /** The enrollment's stored completions: the source of truth if a turn was lost after saving. */
  stored_completed_checkpoints: z
    .array(z.string())
    .describe("The enrollment's completed checkpoints, as stored"),
  prompts_dir: promptsDir,
});
export type AllyContext = z.infer<typeof AllyContextSchema>;

/** An Ally turn's context, from the learner, their mission and enrollment as stored. */
export function allyContextOf(records: {
  learner: { id: string; name?: string | null; learning_style: string[] };
  mission: Mission;
  completedCheckpoints: string[];
  allySessionId: string;
  promptsDir: string | null;
}): AllyContext {
  const { learner, mission } = records;
  return {
    user_id: learner.id,
    ally_session_id: records.allySessionId,
    learner: { name: learner.name || "there", learning_style: learner.learning_style },
    mission: {
      id: mission.id,
      title: mission.title,
      level: mission.level,
      byte_size_checkpoints: mission.byte_size_checkpoints,
    },
    stored_completed_checkpoints: records.completedCheckpoints,
    prompts_dir: records.promptsDir,
  };
}

type Configured = { context?: unknown };

export function readCommanderContext(config: Configured): CommanderContext {
  return CommanderContextSchema.parse(config.context);
}

export function readAllyContext(config: Configured): AllyContext {
  return AllyContextSchema.parse(config.context);
}
