import type { AllyContext } from "../../tools/index.js";
import { GIT_MISSION } from "../../test/support/missions.js";
import type { AgentName } from "./agent-socket.js";

/**
 * What the server would put in `config.configurable` for a turn of this conversation, for the
 * runs that call the graphs without it: in-process and under `langgraphjs dev`.
 */
export function graphConfigurable(agent: AgentName, conversation: string): Record<string, unknown> {
  if (agent === "commander")
    return { user_id: "bench-learner", session_id: conversation, learner_name: "Bench" };
  const ally: AllyContext = {
    user_id: "bench-learner",
    ally_session_id: conversation,
    learner: { name: "Bench", learning_style: [] },
    mission: {
      id: "bench-mission",
      title: GIT_MISSION.title,
      level: GIT_MISSION.level,
      byte_size_checkpoints: [...GIT_MISSION.byte_size_checkpoints],
    },
    stored_completed_checkpoints: [],
  };
  return { ally };
}
