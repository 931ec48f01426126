import { HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { englishOnlyNote, foreignLanguageOf } from "./language.js";

export function lastHumanText(messages: readonly BaseMessage[]): string {
  return messages.findLast((message) => HumanMessage.isInstance(message))?.text ?? "";
}

/** Tools answer a refused call with a message that starts with "Refused:". */
export function isRefusal(toolResult: string): boolean {
  return toolResult.trimStart().startsWith("Refused:");
}

/**
 * An honest note for a learner who writes in another language (the offline tutor speaks only
 * English), the first time they do; "" otherwise.
 */
export function languageNote(messages: readonly BaseMessage[]): string {
  const language = foreignLanguageOf(lastHumanText(messages));
  if (language === undefined) return "";
  const note = englishOnlyNote(language);
  const told = messages.some((m) => m.type === "ai" && m.text.includes(note));
  return told ? "" : note;
}
