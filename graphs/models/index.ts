export { createModelFactory, type ModelFactory, type ModelSettings } from "./factory.js";
export {
  EmptyReplyError,
  finishReasonOf,
  isRefusalReason,
  storedReply,
  wasRefused,
} from "./finish-reason.js";
export { GeminiChatModel, type GeminiChatModelFields } from "./gemini-chat-model.js";
export {
  GeminiRequestError,
  busyNotice,
  failureStatus,
  retryPolicy,
  scrubSecrets,
  toGeminiError,
} from "./gemini-errors.js";
export type { Grounding } from "./grounding.js";
export { replyForLearner, type ReplyRules } from "./learner-reply.js";
export {
  ScriptedChatModel,
  type ScriptedChatModelCallOptions,
  type ScriptedChatModelFields,
} from "./offline/scripted-chat-model.js";
export {
  USAGE_TALLY,
  UsageTally,
  withUsageTally,
  type TokenUsage,
  type TurnUsage,
} from "./usage-tally.js";
