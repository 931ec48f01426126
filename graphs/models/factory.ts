import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { YoutubeSettings } from "../../tools/index.js";
import { AGENT_NAMES, type AgentName } from "../../domain/index.js";
import { GeminiChatModel } from "./gemini-chat-model.js";
import { geminiSettingsFor } from "./gemini-settings.js";
import { createGrounding, type Grounding } from "./grounding.js";
import { ScriptedChatModel } from "./offline/scripted-chat-model.js";

export interface ModelFactory {
  readonly kind: "gemini" | "scripted";
  forAgent(agent: AgentName): BaseChatModel;
  describe(): string;
  /** Search and video tools the agents may use; absent means none. */
  readonly grounding?: Grounding;
}

export interface ModelSettings {
  googleApiKey?: string;
  geminiBaseUrl?: string;
  /** e.g. "gemini-2.5-flash" */
  defaultModel: string;
  perAgentModel: Partial<Record<AgentName, string>>;
  perAgentTemperature?: Partial<Record<AgentName, number>>;
  /** Thinking tokens per call: -1 lets Gemini decide, 0 turns thinking off. */
  perAgentThinkingBudget?: Partial<Record<AgentName, number>>;
  /** Time limit for one request to Gemini. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Lets polaris and mission_sensei use Gemini's Google Search. */
  googleSearch?: boolean;
  /** Lets mission_sensei recommend YouTube videos. */
  youtube?: YoutubeSettings;
}

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

const withGrounding = (description: string, grounding: Grounding) =>
  [description, ...grounding.describe()].join("; ");

/** Gemini when an API key is configured, otherwise the offline scripted model. */
export function createModelFactory(settings: ModelSettings): ModelFactory {
  const apiKey = settings.googleApiKey?.trim();
  if (!apiKey) {
    // Google Search runs inside Gemini, so only video recommendations work offline.
    const grounding = createGrounding({ googleSearch: false, youtube: settings.youtube });
    return {
      kind: "scripted",
      forAgent: cached((agent) => new ScriptedChatModel({ agent })),
      describe: () => withGrounding("scripted (offline, deterministic)", grounding),
      grounding,
    };
  }
  const grounding = createGrounding({
    googleSearch: settings.googleSearch ?? false,
    youtube: settings.youtube,
  });
  return {
    kind: "gemini",
    forAgent: cached((agent) => {
      const { model, temperature, thinkingBudget } = geminiSettingsFor(settings, agent);
      return new GeminiChatModel({
        model,
        apiKey,
        ...(settings.geminiBaseUrl ? { baseUrl: settings.geminiBaseUrl } : {}),
        maxRetries: settings.maxRetries ?? 2,
        timeoutMs: settings.timeoutMs ?? 60_000,
        temperature,
        thinkingConfig: { thinkingBudget },
      });
    }),
    describe: () =>
      withGrounding(
        `gemini (${AGENT_NAMES.map((agent) => `${agent}=${geminiSettingsFor(settings, agent).model}`).join(", ")})`,
        grounding,
      ),
    grounding,
  };
}
