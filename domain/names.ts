/** The four agents, as the protocol, the graphs' node metadata and the model settings name them. */
export const AGENTS = {
  polaris: "polaris",
  curator: "mission_curator",
  ally: "mission_ally",
  sensei: "mission_sensei",
} as const;
export type AgentName = (typeof AGENTS)[keyof typeof AGENTS];
export const AGENT_NAMES: readonly AgentName[] = Object.values(AGENTS);

/** The compiled graphs, as `langgraph.json`, the graph pages and Studio name them. */
export const GRAPHS = {
  commander: "mission_commander",
  ally: "mission_ally",
  sensei: "mission_sensei",
} as const;

/** The graphs' nodes. */
export const NODES = {
  polaris: "polaris",
  curator: "mission_curator",
  createMission: "create_mission",
  intake: "intake",
  lumina: "lumina",
  sensei: "mission_sensei",
  closeSession: "close_session",
  checkAnswer: "check_answer",
  teach: "teach",
  askQuestion: "ask_question",
  markComplete: "mark_complete",
  videoSearch: "video_search",
} as const;

/** The tools the agents call. */
export const TOOLS = {
  confirmLearningGoal: "confirm_learning_goal",
  createMission: "create_mission",
  startCheckpoint: "start_checkpoint",
  askQuestion: "ask_question",
  markCheckpointComplete: "mark_checkpoint_complete",
  fetchYoutubeVideos: "fetch_youtube_videos",
} as const;
