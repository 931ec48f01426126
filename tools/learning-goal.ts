import { z } from "zod";
import { LevelSchema } from "../domain/index.js";

const line = z.string().trim().min(1);

/** What Polaris confirms with the learner before the curator writes a mission. */
export const LearningGoalSchema = z.object({
  topic: line.describe("What the learner wants to learn"),
  level: LevelSchema.describe("The learner's current level"),
  outcome: line.describe("What the learner wants to be able to do"),
});

export type LearningGoal = z.infer<typeof LearningGoalSchema>;
