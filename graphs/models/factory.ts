import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { AGENT_NAMES, type AgentName } from "./agents.js";
import { ScriptedChatModel } from "./scripted/scripted-chat-model.js";

export interface ModelFactory {
  readonly kind: "gemini" | "scripted";
  forAgent(agent: AgentName): BaseChatModel;
  describe(): string;
}

export interface ModelSettings {
  googleApiKey?: string;
  geminiBaseUrl?: string;
  /** e.g. "gemini-2.5-flash" */
  defaultModel: string;
  perAgentModel: Partial<Record<AgentName, string>>;
}

/** The curator writes structured data, the interviewers converse, the guide can be warmer. */
const TEMPERATURES: Record<AgentName, number> = {
  polaris: 0.4,
  mission_curator: 0.2,
  mission_ally: 0.7,
  mission_sensei: 0.5,
};

function cached(create: (agent: AgentName) => BaseChatModel): (agent: AgentName) => BaseChatModel {
  const models = new Map<AgentName, BaseChatModel>();
  return (agent) => {
    let model = models.get(agent);
    if (model === undefined) {
      model = create(agent);
      models.set(agent, model);
    }
    return model;
  };
}

/** Gemini when an API key is configured, otherwise the offline scripted model. */
export function createModelFactory(settings: ModelSettings): ModelFactory {
  const apiKey = settings.googleApiKey?.trim();
  if (!apiKey) {
    return {
      kind: "scripted",
      forAgent: cached((agent) => new ScriptedChatModel({ agent })),
      describe: () => "scripted (offline, deterministic)",
    };
  }
  const modelFor = (agent: AgentName) => settings.perAgentModel[agent] ?? settings.defaultModel;
  return {
    kind: "gemini",
    forAgent: cached(
      (agent) =>
        new ChatGoogleGenerativeAI({
          model: modelFor(agent),
          apiKey,
          ...(settings.geminiBaseUrl ? { baseUrl: settings.geminiBaseUrl } : {}),
          maxRetries: 2,
          temperature: TEMPERATURES[agent],
        }),
    ),
    describe: () =>
      `gemini (${AGENT_NAMES.map((agent) => `${agent}=${modelFor(agent)}`).join(", ")})`,
  };
}
