import { z } from "zod";
import { EnrollmentSchema } from "./enrollment.js";
import { MissionSchema } from "./mission.js";

/**
 * What the tools and nodes announce on LangGraph's custom stream while a turn runs; the server
 * turns them into protocol frames.
 */
export const AppEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("checkpoint_update"),
    completed_checkpoints: z.array(z.string()),
    progress: z.number(),
  }),
  z.object({ type: z.literal("session_closed") }),
  z.object({
    type: z.literal("mission_created"),
    mission: MissionSchema,
    enrollment: EnrollmentSchema,
  }),
]);
export type AppEvent = z.infer<typeof AppEventSchema>;

/** Sends `event` on the run's custom stream, if anyone is listening. */
export function announce(config: { writer?: (chunk: unknown) => void }, event: AppEvent): void {
  config.writer?.(event);
}
