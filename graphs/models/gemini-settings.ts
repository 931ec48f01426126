import type { AgentName } from "../../domain/index.js";
import type { ModelSettings } from "./factory.js";

/** How one agent's Gemini model is configured. */
export interface GeminiAgentSettings {
  model: string;
  temperature: number;
  /** Thinking tokens per call: -1 lets Gemini decide, 0 turns thinking off. */
  thinkingBudget: number;
}

/**
 * The curator writes structured data, the interviewers converse, the guide can be warmer. The
 * thinking budgets follow the agents' jobs: the teacher reasons about answers, the curator plans a
 * whole mission, and conversational turns need little.
 */
const DEFAULTS: Record<AgentName, Omit<GeminiAgentSettings, "model">> = {
  polaris: { temperature: 0.4, thinkingBudget: 128 },
  mission_curator: { temperature: 0.2, thinkingBudget: 512 },
  mission_ally: { temperature: 0.7, thinkingBudget: 128 },
  mission_sensei: { temperature: 0.5, thinkingBudget: 256 },
};

export function geminiSettingsFor(settings: ModelSettings, agent: AgentName): GeminiAgentSettings {
  return {
    model: settings.perAgentModel[agent] ?? settings.defaultModel,
    temperature: settings.perAgentTemperature?.[agent] ?? DEFAULTS[agent].temperature,
    thinkingBudget: settings.perAgentThinkingBudget?.[agent] ?? DEFAULTS[agent].thinkingBudget,
  };
}
