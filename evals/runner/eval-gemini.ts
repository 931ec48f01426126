import { GeminiChatModel } from "../../graphs/models/index.js";
import { startGeminiReplay } from "../gemini-replay/index.js";
import type { ModelPlan } from "./models.js";

// The evals' own Gemini calls (the LLM judge, the LLM learner), apart from the tutor's.

/** Where an eval helper's Gemini is: live, or a replay or record server on the case's cassette. */
export interface GeminiEndpoint {
  apiKey: string;
  baseUrl?: string;
  model: string;
}

export interface ServedGemini {
  endpoint: GeminiEndpoint;
  stop(): Promise<void>;
}

/**
 * `model` for one case, as the run's plan serves it: replayed from `cassette` in replay mode,
 * recorded into it with `--model gemini --record`, and live otherwise (the plan has a key).
 */
export async function serveGemini(
  plan: ModelPlan,
  cassette: string,
  model: string,
): Promise<ServedGemini> {
  if (plan.mode === "replay") {
    const replay = await startGeminiReplay({ cassette });
    return {
      endpoint: { apiKey: "replay", baseUrl: replay.url, model },
      stop: () => replay.stop(),
    };
  }
  if (plan.mode === "gemini" && plan.upstream) {
    const recorder = await startGeminiReplay({ cassette, mode: "record", upstream: plan.upstream });
    return {
      endpoint: { apiKey: "recording", baseUrl: recorder.url, model },
      stop: () => recorder.stop(),
    };
  }
  return { endpoint: { apiKey: plan.apiKey ?? "", model }, stop: async () => undefined };
}

/** A Gemini client for an endpoint: a replay or record server is never retried. */
export function geminiAt(endpoint: GeminiEndpoint, temperature: number): GeminiChatModel {
  return new GeminiChatModel({
    model: endpoint.model,
    apiKey: endpoint.apiKey,
    ...(endpoint.baseUrl ? { baseUrl: endpoint.baseUrl } : {}),
    temperature,
    maxRetries: endpoint.baseUrl ? 0 : 2,
    timeoutMs: 60_000,
  });
}
