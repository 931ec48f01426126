export { ASKED, askQuestionTool, type AssessmentState } from "./ask-question.js";
export { confirmLearningGoal } from "./confirm-learning-goal.js";
export { createMissionTool } from "./create-mission.js";
export {
  completionRefusal,
  markCheckpointCompleteTool,
  type CheckpointProgressState,
} from "./mark-checkpoint-complete.js";
export { LearningGoalSchema, type LearningGoal } from "./learning-goal.js";
export { startCheckpoint } from "./start-checkpoint.js";
export { fetchYoutubeVideosTool, type YoutubeSettings } from "./youtube-videos.js";
