export { AGENT_NAMES, type AgentName } from "./agents.js";
export { createModelFactory, type ModelFactory, type ModelSettings } from "./factory.js";
export {
  ScriptedChatModel,
  type ScriptedChatModelCallOptions,
  type ScriptedChatModelFields,
} from "./scripted/scripted-chat-model.js";
