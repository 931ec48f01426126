import type { BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";

export interface HistoryItem {
  type: "user_message" | "agent_message";
  text: string;
}

interface StatefulGraph {
  getState(config: RunnableConfig): Promise<{ values: unknown }>;
}

/** A thread's state and its learner-visible transcript: user and agent texts, in order. */
export async function readThread(
  graph: StatefulGraph,
  config: RunnableConfig,
): Promise<{ values: Record<string, unknown>; history: HistoryItem[] }> {
  const values = ((await graph.getState(config)).values ?? {}) as Record<string, unknown>;
  const messages = (values.messages as BaseMessage[] | undefined) ?? [];
  const history: HistoryItem[] = [];
  for (const m of messages) {
    if (!m.text.trim()) continue;
    if (m.type === "human") history.push({ type: "user_message", text: m.text });
    else if (m.type === "ai") history.push({ type: "agent_message", text: m.text });
  }
  return { values, history };
}
