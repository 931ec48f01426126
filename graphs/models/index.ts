export { createModelFactory, type ModelFactory, type ModelSettings } from "./factory.js";
export { finishReasonOf, replyForLearner, EmptyReplyError } from "./finish-reason.js";
export { GeminiChatModel, type GeminiChatModelFields } from "./gemini-chat-model.js";
export type { Grounding } from "./grounding.js";
export {
  ScriptedChatModel,
  type ScriptedChatModelCallOptions,
  type ScriptedChatModelFields,
} from "./offline/scripted-chat-model.js";
export { UsageTally, type TokenUsage, type TurnUsage } from "./usage-tally.js";
