import { HumanMessage, type BaseMessage } from "@langchain/core/messages";

export function lastHumanText(messages: readonly BaseMessage[]): string {
  return messages.findLast((message) => HumanMessage.isInstance(message))?.text ?? "";
}

/** Tools answer a refused call with a message that starts with "Refused:". */
export function isRefusal(toolResult: string): boolean {
  return toolResult.trimStart().startsWith("Refused:");
}
