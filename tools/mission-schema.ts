import { z } from "zod";

export const LevelSchema = z.enum(["Beginner", "Intermediate", "Advanced"]);

const line = z.string().trim().min(1);

/** What the curator must produce and what `create_mission` accepts. */
export const MissionDraftSchema = z.object({
  title: line.max(200).describe("Mission title; names the topic"),
  short_description: line.max(500).describe("One or two sentences"),
  description: line.max(5000).describe("Two or three short paragraphs"),
  level: LevelSchema,
  topics_to_cover: z.array(line).min(1).max(12),
  learning_goal: line.max(2000).describe("Three or four sentences"),
  byte_size_checkpoints: z
    .array(line.max(200))
    .min(4)
    .max(6)
    .describe("4 to 6 ordered checkpoints, foundations first"),
  skills: z.array(line).max(12),
  is_public: z.boolean(),
});

export const LearningGoalSchema = z.object({
  topic: line.describe("What the learner wants to learn"),
  level: LevelSchema.describe("The learner's current level"),
  outcome: line.describe("What the learner wants to be able to do"),
});

export type LearningGoal = z.infer<typeof LearningGoalSchema>;
