import { tool } from "@langchain/core/tools";
import { TOOLS } from "../domain/index.js";
import { LearningGoalSchema } from "./learning-goal.js";

/**
 * Polaris calls this once the learner has confirmed the summary. The graph reads the call's
 * arguments; running the tool only acknowledges it.
 */
export const confirmLearningGoal = tool(async () => "Learning goal confirmed.", {
  name: TOOLS.confirmLearningGoal,
  description:
    "Call only after the learner has explicitly confirmed your summary of topic, level and outcome.",
  schema: LearningGoalSchema,
});
