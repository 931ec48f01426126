import type { AgentName } from "./agent-socket.js";
import { graphConversations } from "./graph-config.js";
import { runClients, type PreparedTurns, type WorkloadShape } from "./turn-tally.js";

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
  const clients = await Promise.all(
    graphConversations(agent, shape, line).map((conversations) =>
      Promise.all(
        conversations.map(async (conversation) => {
          const res = await post(`${base}/threads`, {});
          if (!res.ok) throw new Error(`POST /threads: ${res.status} ${await res.text()}`);
          const { thread_id } = (await res.json()) as { thread_id: string };
          return { ...conversation, threadId: thread_id };
        }),
      ),
    ),
  );
  return {
    run: () =>
      runClients(clients, shape.turnsPerConversation, async (conversation, turn) => {
        const started = performance.now();
        const res = await post(`${base}/threads/${conversation.threadId}/runs/wait`, {
          assistant_id: ASSISTANT[agent],
          input: { messages: [{ type: "human", content: conversation.lines[turn] }] },
          // Studio's context form, empty: the demo learner (and for the Ally the demo mission) of
          // the dev server's own store, with a Commander session per thread.
          context: {},
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
