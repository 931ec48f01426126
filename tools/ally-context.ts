import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";

/**
 * What the server loads fresh for every Ally turn and passes in `config.configurable.ally`, so
 * profile and mission edits reach the next turn.
 */
export const AllyContextSchema = z.object({
  user_id: z.string(),
  ally_session_id: z.string(),
  learner: z.object({ name: z.string(), learning_style: z.array(z.string()) }),
  mission: z.object({
    id: z.string(),
    title: z.string(),
    level: z.string(),
    byte_size_checkpoints: z.array(z.string()).min(1),
  }),
  /** The enrollment's stored completions: the source of truth if a turn was lost after saving. */
  stored_completed_checkpoints: z.array(z.string()),
});

export type AllyContext = z.infer<typeof AllyContextSchema>;

export function readAllyContext(config: RunnableConfig): AllyContext {
  return AllyContextSchema.parse(config.configurable?.ally);
}
