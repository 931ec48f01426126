import { randomUUID } from "node:crypto";
import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { TranscriptStore } from "../../store/index.js";

interface InvokableGraph {
  invoke(
    input: { messages: BaseMessage[] },
    config: { configurable: { thread_id: string } },
  ): Promise<{ messages: BaseMessage[] }>;
}

/**
 * One Commander turn run straight through the graph, its learner message and Polaris's replies
 * logged in the conversation's transcript as the server logs them (the thread keeps only the
 * interview's recent turns).
 */
export async function loggedCommanderTurn(
  graph: InvokableGraph,
  transcripts: TranscriptStore,
  config: { configurable: { thread_id: string } },
  content: string,
): Promise<void> {
  const id = randomUUID();
  const state = await graph.invoke({ messages: [new HumanMessage({ id, content })] }, config);
  const turn = state.messages.slice(state.messages.findIndex((m) => m.id === id));
  await transcripts.append(
    config.configurable.thread_id,
    turn
      .filter((m) => (m.type === "human" || m.type === "ai") && m.text.trim() !== "")
      .map((m) => {
        const agent = m.type === "ai" ? "polaris" : null;
        const role = m.type === "ai" ? ("agent" as const) : ("learner" as const);
        return { id: m.id!, role, agent, node: agent, text: m.text, turn_id: id };
      }),
  );
}
