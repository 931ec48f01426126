import { startScriptedGemini } from "../gemini-replay/index.js";
import type { ForkModel } from "./fork-data.js";

export class ForkError extends Error {
  override name = "ForkError";
}

/** How a fork's server reaches its model, and how to let go of it. */
export interface ForkModels {
  env: Record<string, string>;
  stop(): Promise<void>;
}

const AGENT_SUFFIXES = ["POLARIS", "MISSION_CURATOR", "MISSION_ALLY", "MISSION_SENSEI"];
/** Gemini settings passed on from the environment, as the server reads them. */
const GEMINI_SETTING =
  /^GEMINI_(BASE_URL|MODEL|TEMPERATURE|THINKING_BUDGET|TIMEOUT_MS|MAX_RETRIES)/;

/**
 * `scripted`: the offline tutor. `replay`: the real Gemini client against the scripted Gemini
 * (the stand-in eval cassettes are recorded from). `gemini`: Gemini with `GOOGLE_API_KEY` (and
 * `GEMINI_BASE_URL`, `GEMINI_MODEL`… from `env`). A temperature applies to every agent.
 */
export async function openForkModels(
  model: ForkModel,
  temperature: number | undefined,
  env: Record<string, string | undefined>,
): Promise<ForkModels> {
  if (
    temperature !== undefined &&
    (!Number.isFinite(temperature) || temperature < 0 || temperature > 2)
  ) {
    throw new ForkError("temperature must be a number from 0 to 2");
  }
  if (model === "scripted") {
    if (temperature !== undefined) {
      throw new ForkError("the scripted tutor has no temperature; use model replay or gemini");
    }
    return { env: {}, stop: async () => undefined };
  }
  const temperatures: Record<string, string> =
    temperature === undefined
      ? {}
      : Object.fromEntries(
          AGENT_SUFFIXES.map((a) => [`GEMINI_TEMPERATURE_${a}`, String(temperature)]),
        );
  const settings = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => GEMINI_SETTING.test(entry[0]) && !!entry[1],
    ),
  );
  if (model === "gemini") {
    const apiKey = env.GOOGLE_API_KEY?.trim();
    if (!apiKey) throw new ForkError("model gemini needs GOOGLE_API_KEY");
    return {
      env: { ...settings, ...temperatures, GOOGLE_API_KEY: apiKey },
      stop: async () => undefined,
    };
  }
  const scripted = await startScriptedGemini();
  const local = Object.fromEntries(
    Object.entries(settings).filter(([key]) => key !== "GEMINI_BASE_URL"),
  );
  return {
    env: { ...local, ...temperatures, GOOGLE_API_KEY: "scripted", GEMINI_BASE_URL: scripted.url },
    stop: scripted.stop,
  };
}
