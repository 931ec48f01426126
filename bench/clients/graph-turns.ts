import type { NodeProcess } from "../targets/node-process.js";
import type { GraphRunReply, GraphRunRequest } from "../targets/in-process-graphs.js";
import type { AgentName } from "./agent-socket.js";
import { graphConversations } from "./graph-config.js";
import { TurnTally, type PreparedTurns, type WorkloadShape } from "./turn-tally.js";

/** The same conversations, sent to the in-process runner as plain `graph.invoke` calls. */
export function prepareGraphTurns(
  runner: NodeProcess,
  agent: AgentName,
  shape: WorkloadShape,
  line: (turn: number) => string,
): PreparedTurns {
  const request: GraphRunRequest = {
    turns: shape.turnsPerConversation,
    clients: graphConversations(agent, shape, line),
  };
  return {
    async run() {
      const reply = await runner.call<GraphRunReply>(request);
      return Object.assign(new TurnTally(), reply);
    },
    cleanup: async () => {},
  };
}
