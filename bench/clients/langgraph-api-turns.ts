import type { AgentName } from "./agent-socket.js";
import { graphConfigurable } from "./graph-config.js";
import { range, runClients, type PreparedTurns, type WorkloadShape } from "./turn-tally.js";

const ASSISTANT: Record<AgentName, string> = {
  commander: "mission_commander",
  ally: "mission_ally",
};

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

let batch = 0;

/**
 * The same conversations on LangGraph's own server (`langgraphjs dev`, the graphs `langgraph.json`
 * names): a thread per conversation, made beforehand, and one `runs/wait` call per turn.
 */
export async function prepareLanggraphApiTurns(
  base: string,
  agent: AgentName,
  shape: WorkloadShape,
  line: (turn: number) => string,
): Promise<PreparedTurns> {
  batch += 1;
  const clients = await Promise.all(
    range(shape.clients).map(async (client) => {
      const threads: { id: string; configurable: Record<string, unknown> }[] = [];
      for (const n of range(shape.conversationsPerClient)) {
        const res = await post(`${base}/threads`, {});
        if (!res.ok) throw new Error(`POST /threads: ${res.status} ${await res.text()}`);
        const { thread_id } = (await res.json()) as { thread_id: string };
        threads.push({
          id: thread_id,
          configurable: graphConfigurable(agent, `bench-${batch}-${client}-${n}`),
        });
      }
      return threads;
    }),
  );
  return {
    run: () =>
      runClients(clients, shape.turnsPerConversation, async (thread, turn) => {
        const started = performance.now();
        const res = await post(`${base}/threads/${thread.id}/runs/wait`, {
          assistant_id: ASSISTANT[agent],
          input: { messages: [{ type: "human", content: line(turn) }] },
          config: { configurable: thread.configurable },
        });
        const body = await res.text();
        const failure = !res.ok
          ? `HTTP ${res.status}`
          : body.includes('"__error__"')
            ? "run failed"
            : undefined;
        return { ms: performance.now() - started, failure };
      }),
    cleanup: async () => {},
  };
}
