import type { NodeProcess } from "../targets/node-process.js";
import type {
  GraphConversation,
  GraphRunReply,
  GraphRunRequest,
} from "../targets/in-process-graphs.js";
import type { AgentName } from "./agent-socket.js";
import { graphConfigurable } from "./graph-config.js";
import { range, TurnTally, type PreparedTurns, type WorkloadShape } from "./turn-tally.js";

let batch = 0;

/** The same conversations, sent to the in-process runner as plain `graph.invoke` calls. */
export function prepareGraphTurns(
  runner: NodeProcess,
  agent: AgentName,
  shape: WorkloadShape,
  line: (turn: number) => string,
): PreparedTurns {
  batch += 1;
  const lines = range(shape.turnsPerConversation).map(line);
  const request: GraphRunRequest = {
    turns: shape.turnsPerConversation,
    clients: range(shape.clients).map((client) =>
      range(shape.conversationsPerClient).map((n): GraphConversation => {
        const conversation = `bench-${batch}-${client}-${n}`;
        return {
          agent,
          threadId: `${agent}:${conversation}`,
          configurable: graphConfigurable(agent, conversation),
          lines,
        };
      }),
    ),
  };
  return {
    async run() {
      const reply = await runner.call<GraphRunReply>(request);
      return Object.assign(new TurnTally(), reply);
    },
    cleanup: async () => {},
  };
}
