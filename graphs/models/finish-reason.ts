import { AIMessage, type BaseMessage, type ToolCall } from "@langchain/core/messages";

/** Gemini stopped because a safety or policy filter blocked the prompt or the answer. */
const REFUSALS = new Set(["SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

/** Gemini stopped because the answer recited a source too closely. */
export const RECITATION = "RECITATION";

/** A reply that ended without anything the learner could be shown, even when asked twice. */
export class EmptyReplyError extends Error {
  constructor(readonly finishReason: string) {
    super(`The model finished with ${finishReason} and no content`);
    this.name = "EmptyReplyError";
  }
}

/** Why the model stopped, as Gemini reports it (`STOP`, `MAX_TOKENS`, `SAFETY`, …). */
export function finishReasonOf(message: BaseMessage): string | undefined {
  const reason = (message.response_metadata as Record<string, unknown> | undefined)?.finishReason;
  return typeof reason === "string" ? reason : undefined;
}

export const isRefusalReason = (reason: string | undefined) =>
  reason !== undefined && REFUSALS.has(reason);

/**
 * An agent message that stands in for a refused answer: a refusal or a recitation, which the
 * learner was shown a short line for. Stored messages keep their finish reason, so this reads the
 * history too: a refused exchange never advances a phase and never reaches the curator.
 */
export function wasRefused(message: BaseMessage): boolean {
  if (message.type !== "ai") return false;
  const reason = finishReasonOf(message);
  return isRefusalReason(reason) || reason === RECITATION;
}

/**
 * A reply as it is stored: its text as one string (empty when it has none, never an empty text
 * part, which Gemini rejects in every later request) and only the given tool calls, keeping its
 * id (the id its token deltas carried), usage, finish reason and thought signatures.
 */
export function storedReply(reply: AIMessage, text: string, toolCalls: ToolCall[]): AIMessage {
  return new AIMessage({
    id: reply.id,
    content: text.trim() ? text : "",
    tool_calls: toolCalls,
    additional_kwargs: reply.additional_kwargs,
    usage_metadata: reply.usage_metadata,
    response_metadata: reply.response_metadata,
  });
}
