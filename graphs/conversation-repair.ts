import {
  RemoveMessage,
  isAIMessage,
  isToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { storedReply } from "./models/index.js";

/**
 * The updates that repair a stored conversation, if it needs any. Conversations saved by earlier
 * versions can hold agent messages that Gemini rejects in every later request: a reply with
 * nothing in it, an empty text part (400 "empty text parameter"), or a tool call that was never
 * answered. An empty reply is removed; any other damaged reply is rewritten with its text as one
 * string and only its answered calls. The learner never saw an empty reply, so nothing they were
 * shown changes.
 */
export function conversationRepairs(messages: BaseMessage[]): BaseMessage[] {
  const answered = new Set(messages.filter(isToolMessage).map((m) => m.tool_call_id));
  const repairs: BaseMessage[] = [];
  for (const message of messages) {
    if (!isAIMessage(message) || message.id === undefined) continue;
    const calls = message.tool_calls ?? [];
    const kept = calls.filter((call) => call.id !== undefined && answered.has(call.id));
    const text = message.text;
    if (typeof message.content === "string" && kept.length === calls.length) {
      if (text.trim() || kept.length > 0) continue;
    }
    repairs.push(
      text.trim() || kept.length > 0
        ? storedReply(message, text, kept)
        : new RemoveMessage({ id: message.id }),
    );
  }
  return repairs;
}
