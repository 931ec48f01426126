import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";

/** Gemini stopped because a safety or policy filter blocked the prompt or the answer. */
const REFUSALS = new Set([
  "SAFETY",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "RECITATION",
]);

/** A reply that ended without anything the learner could be shown. */
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

const refusal = (backTo: string) => `I can't help with that. Let's get back to ${backTo}.`;

const CUT_SHORT =
  "_That ran longer than I can write in one go. Say “continue” and I'll pick up where I left off._";

const OUT_OF_ROOM =
  "I ran out of room before I could answer that. Could you ask again, perhaps about a smaller piece of it?";

function replaced(reply: AIMessage | AIMessageChunk, content: string, keepToolCalls: boolean) {
  return new AIMessage({
    id: reply.id,
    content,
    tool_calls: keepToolCalls ? reply.tool_calls : [],
    usage_metadata: reply.usage_metadata,
    response_metadata: reply.response_metadata,
  });
}

/**
 * What the learner is shown for a model reply. A refusal becomes a short, kind line that steers
 * back to `backTo`; an answer cut off at the token limit keeps its text and offers to continue;
 * any other reply without content is an error, so the turn fails and the learner can retry it.
 */
export function replyForLearner<T extends AIMessage | AIMessageChunk>(
  reply: T,
  backTo: string,
): T | AIMessage {
  const reason = finishReasonOf(reply);
  if (reason === undefined || reason === "STOP") return reply;
  if (REFUSALS.has(reason)) return replaced(reply, refusal(backTo), false);
  const text = reply.text.trim();
  const calls = reply.tool_calls?.length ?? 0;
  if (reason === "MAX_TOKENS") {
    if (text) return replaced(reply, `${text}…\n\n${CUT_SHORT}`, true);
    return calls > 0 ? reply : replaced(reply, OUT_OF_ROOM, false);
  }
  if (!text && calls === 0) throw new EmptyReplyError(reason);
  return reply;
}
