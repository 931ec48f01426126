import { tool } from "@langchain/core/tools";
import { LearningGoalSchema } from "./learning-goal.js";

/**
 * Polaris calls this once the learner has confirmed the summary. The graph reads the call's
 * arguments; running the tool only acknowledges it.
 */
export const confirmLearningGoal = tool(async () => "Learning goal confirmed.", {
  name: "confirm_learning_goal",
  description:
    "Call only after the learner has explicitly confirmed your summary of topic, level and outcome.",
  schema: LearningGoalSchema,
});
