import type { AllyContext, CommanderContext } from "../../domain/index.js";
import type { GraphConversation } from "../targets/in-process-graphs.js";
import { GIT_MISSION } from "../../test/support/missions.js";
import type { AgentName } from "./agent-socket.js";
import { range, type WorkloadShape } from "./turn-tally.js";

/**
 * A conversation as the runs that call the graphs without the server see it (in-process, and under
 * `langgraphjs dev`): its thread, and the run-time context the server would hand each turn.
 */
function graphConversation(
  agent: AgentName,
  conversation: string,
  lines: string[],
): GraphConversation {
  const threadId = `bench-${agent}-${conversation}`;
  if (agent === "commander") {
    const context: CommanderContext = {
      user_id: "bench-learner",
      session_id: conversation,
      learner_name: "Bench",
      prompts_dir: null,
    };
    return { agent, threadId, context, lines };
  }
  const context: AllyContext = {
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
    prompts_dir: null,
  };
  return { agent, threadId, context, lines };
}

let batch = 0;

/** Per client, its conversations, each with its own thread; every call makes new ones. */
export function graphConversations(
  agent: AgentName,
  shape: WorkloadShape,
  line: (turn: number) => string,
): GraphConversation[][] {
  batch += 1;
  const lines = range(shape.turnsPerConversation).map(line);
  return range(shape.clients).map((client) =>
    range(shape.conversationsPerClient).map((n) =>
      graphConversation(agent, `${batch}-${client}-${n}`, lines),
    ),
  );
}
