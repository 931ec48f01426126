import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { AIMessage, AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { Runnable, RunnableConfig } from "@langchain/core/runnables";
import {
  EmptyReplyError,
  RECITATION,
  finishReasonOf,
  isRefusalReason,
  storedReply,
} from "./finish-reason.js";

export interface ReplyRules {
  /** What a refusal steers back to: "your learning goal", "**Branching**". */
  backTo: string;
  /** The tools the node runs; a call to any other tool is left out of the reply. */
  tools?: readonly string[];
}

const refusal = (backTo: string) => `I can't help with that. Let's get back to ${backTo}.`;

const RECITED =
  "I can't put that in my own words right now. Could you ask me about it another way?";

const CUT_SHORT =
  "_That ran longer than I can write in one go. Say “continue” and I'll pick up where I left off._";

const OUT_OF_ROOM =
  "I ran out of room before I could answer that. Could you ask again, perhaps about a smaller piece of it?";

type Verdict = { reply: AIMessage } | { retry: string };

/**
 * What the learner is shown for one reply, or why it is worth asking again:
 * - a refusal (SAFETY and friends) becomes a short, kind line that steers back, without its calls;
 * - RECITATION is asked again, and then gets a line of its own;
 * - an answer cut off at MAX_TOKENS keeps its text and offers to continue;
 * - MALFORMED_FUNCTION_CALL, and any reply with neither text nor a call the node runs, is asked
 *   again; the second time it is an `EmptyReplyError`, so the turn fails and is rolled back.
 * Of several calls (parallel function calls) only the first one the node runs is kept, so every
 * stored call gets its answer.
 */
function judge(raw: AIMessage | AIMessageChunk, rules: ReplyRules, lastAttempt: boolean): Verdict {
  const reply = raw as AIMessage;
  const reason = finishReasonOf(reply) ?? "STOP";
  if (isRefusalReason(reason)) return { reply: storedReply(reply, refusal(rules.backTo), []) };
  if (reason === RECITATION) {
    return lastAttempt ? { reply: storedReply(reply, RECITED, []) } : { retry: reason };
  }
  const text = reply.text;
  const call = reply.tool_calls?.find((c) => rules.tools?.includes(c.name));
  const calls = call ? [call] : [];
  if (reason === "MAX_TOKENS") {
    if (text.trim()) return { reply: storedReply(reply, `${text.trim()}…\n\n${CUT_SHORT}`, calls) };
    return { reply: storedReply(reply, calls.length > 0 ? "" : OUT_OF_ROOM, calls) };
  }
  const malformed = reason === "MALFORMED_FUNCTION_CALL";
  const empty = !text.trim() && calls.length === 0;
  if ((malformed && !lastAttempt) || empty) {
    if (lastAttempt) throw new EmptyReplyError(reason);
    return { retry: reason };
  }
  return { reply: storedReply(reply, text, calls) };
}

/**
 * Asks `model` for the next reply the learner will see, once more if the first answer is empty,
 * malformed or a recitation, and returns it ready to store (see `judge`). A reply the learner
 * would see as empty is never returned.
 */
export async function replyForLearner(
  model: Runnable<BaseLanguageModelInput, AIMessageChunk | AIMessage>,
  messages: BaseMessage[],
  config: RunnableConfig,
  rules: ReplyRules,
): Promise<AIMessage> {
  const first = judge(await model.invoke(messages, config), rules, false);
  if ("reply" in first) return first.reply;
  const second = judge(await model.invoke(messages, config), rules, true);
  if ("reply" in second) return second.reply;
  throw new EmptyReplyError(second.retry);
}
