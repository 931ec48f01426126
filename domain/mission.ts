import { z } from "zod";

/** How much the learner already knows about the mission's topic. */
export const LevelSchema = z.enum(["Beginner", "Intermediate", "Advanced"]);
export type Level = z.infer<typeof LevelSchema>;

/**
 * A mission: a topic broken into ordered byte-size checkpoints, made by one learner (its creator)
 * and shown to others only when public. This is the record the stores keep and the clients
 * receive; the rules a new mission must meet are in `MissionDraftSchema`.
 */
export const MissionSchema = z.object({
  id: z.string(),
  title: z.string(),
  short_description: z.string(),
  description: z.string(),
  level: LevelSchema,
  topics_to_cover: z.array(z.string()),
  learning_goal: z.string(),
  /** The checkpoints in the order they are taught; a checkpoint is identified by its position. */
  byte_size_checkpoints: z.array(z.string()),
  skills: z.array(z.string()),
  creator_id: z.string(),
  is_public: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Mission = z.infer<typeof MissionSchema>;

const line = z.string().trim().min(1);

/**
 * Why these checkpoint titles cannot make a mission, or undefined when they can. A learner tells
 * the checkpoints apart by their titles, so each needs one of its own: none blank, no two alike
 * (after trimming). Completion tracks positions, so missions stored before this rule, duplicates
 * and all, can still be completed.
 */
export function checkpointTitlesProblem(titles: readonly string[]): string | undefined {
  const positions = new Map<string, number>();
  for (const [index, raw] of titles.entries()) {
    const title = raw.trim();
    if (title === "")
      return `Checkpoint ${index + 1} has a blank title; every checkpoint needs one.`;
    const earlier = positions.get(title);
    if (earlier !== undefined) {
      return `Checkpoints ${earlier + 1} and ${index + 1} are both titled "${title.slice(0, 80)}"; each checkpoint needs a title of its own.`;
    }
    positions.set(title, index);
  }
  return undefined;
}

/**
 * A mission's content before it exists, as the curator writes it and `create_mission` and
 * `POST /api/v1/missions/enrollment` accept it: every field of a mission but those the store
 * fills in, with the rules a new mission must meet.
 */
export const MissionDraftSchema = MissionSchema.omit({
  id: true,
  creator_id: true,
  created_at: true,
  updated_at: true,
}).extend({
  title: line.max(200).describe("Mission title; names the topic"),
  short_description: line.max(500).describe("One or two sentences"),
  description: line.max(5000).describe("Two or three short paragraphs"),
  topics_to_cover: z.array(line).min(1).max(12),
  learning_goal: line.max(2000).describe("Three or four sentences"),
  byte_size_checkpoints: z
    .array(line.max(200))
    .min(4)
    .max(6)
    .superRefine((titles, ctx) => {
      const problem = checkpointTitlesProblem(titles);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe("4 to 6 ordered checkpoints, foundations first"),
  skills: z.array(line).max(12),
});
export type MissionDraft = z.infer<typeof MissionDraftSchema>;

/** What a mission's creator may change after creation. */
export const MissionPatchSchema = MissionDraftSchema.pick({
  title: true,
  short_description: true,
  description: true,
  is_public: true,
  level: true,
  skills: true,
}).partial();
export type MissionPatch = z.infer<typeof MissionPatchSchema>;

/** The fields a patch changes (keys given as undefined change nothing), stamped with `now`. */
export function missionChanges(patch: MissionPatch, now: string): Partial<Mission> {
  const changes: Partial<Mission> = {};
  for (const key of MissionPatchSchema.keyof().options) {
    if (patch[key] !== undefined) Object.assign(changes, { [key]: patch[key] });
  }
  return { ...changes, updated_at: now };
}
