import type { RunnableConfig } from "@langchain/core/runnables";

export interface Conversation {
  userId: string;
  sessionId: string;
}

/** The caller's identity, which the server puts in `config.configurable` for every turn. */
export function readConversation(config: RunnableConfig): Conversation {
  const userId = config.configurable?.user_id;
  const sessionId = config.configurable?.session_id;
  if (typeof userId !== "string" || typeof sessionId !== "string") {
    throw new Error("configurable.user_id and configurable.session_id are required");
  }
  return { userId, sessionId };
}
