import {
  startGeminiReplay,
  startScriptedGemini,
  type Miss,
  type Upstream,
} from "../gemini-replay/index.js";

export const MODEL_MODES = ["scripted", "replay", "gemini"] as const;
export type ModelMode = (typeof MODEL_MODES)[number];

const GEMINI_API = "https://generativelanguage.googleapis.com";

/** Gemini settings a run passes on to the server, so a replay uses what was recorded with. */
const GEMINI_SETTING = /^GEMINI_(MODEL|TEMPERATURE|THINKING_BUDGET|TIMEOUT_MS|MAX_RETRIES)/;

/** How a run's cases reach their models, set up once per run. */
export interface ModelPlan {
  mode: ModelMode;
  /** Where record mode gets its answers: live Gemini, or the scripted Gemini in replay mode. */
  upstream?: Upstream;
  /** Live Gemini's key, for `--model gemini` and the LLM judge. */
  apiKey?: string;
  /** `GEMINI_*` model settings from the environment. */
  settings: Record<string, string>;
  /** The LLM judge's Gemini model: `GEMINI_JUDGE_MODEL`, or gemini-2.5-flash. */
  judgeModel: string;
  /** The simulated learner's Gemini model: `GEMINI_LEARNER_MODEL`, or gemini-2.5-flash. */
  learnerModel: string;
  stop(): Promise<void>;
}

export class ModelPlanError extends Error {}

/**
 * `scripted`: the offline tutor. `replay`: each case's cassette, served to the real Gemini client;
 * with `record`, the cassettes are recorded afresh from the scripted Gemini. `gemini`: live
 * Gemini with `GOOGLE_API_KEY`; with `record`, its answers are kept as the cases' cassettes.
 */
export async function openModelPlan(
  mode: ModelMode,
  record: boolean,
  env: NodeJS.ProcessEnv,
): Promise<ModelPlan> {
  const apiKey = env.GOOGLE_API_KEY?.trim() || undefined;
  const settings = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => GEMINI_SETTING.test(entry[0]) && !!entry[1],
    ),
  );
  const judgeModel = env.GEMINI_JUDGE_MODEL?.trim() || "gemini-2.5-flash";
  const learnerModel = env.GEMINI_LEARNER_MODEL?.trim() || "gemini-2.5-flash";
  const done = async () => undefined;
  if (mode === "scripted") {
    if (record) throw new ModelPlanError("--record needs --model replay or --model gemini");
    return { mode, apiKey, settings: {}, judgeModel, learnerModel, stop: done };
  }
  if (mode === "gemini") {
    if (!apiKey) throw new ModelPlanError("--model gemini needs GOOGLE_API_KEY");
    const upstream = record ? { baseUrl: GEMINI_API, apiKey } : undefined;
    // Another Gemini endpoint (a proxy, a stand-in) serves the agents as it serves the server.
    const baseUrl = env.GEMINI_BASE_URL?.trim();
    const agents = baseUrl && !record ? { ...settings, GEMINI_BASE_URL: baseUrl } : settings;
    return { mode, upstream, apiKey, settings: agents, judgeModel, learnerModel, stop: done };
  }
  if (!record) return { mode, apiKey, settings, judgeModel, learnerModel, stop: done };
  const scripted = await startScriptedGemini();
  return {
    mode,
    upstream: { baseUrl: scripted.url, apiKey: "scripted" },
    apiKey,
    settings,
    judgeModel,
    learnerModel,
    stop: scripted.stop,
  };
}

/** One case's models: server settings, and what the replay server could not answer. */
export interface CaseModels {
  env: Record<string, string>;
  misses: Miss[];
  /** Stops serving; in record mode this writes the cassette. */
  stop(): Promise<void>;
}

/** Serves `cassette` to the real Gemini client in replay and record modes. */
export async function openCaseModels(plan: ModelPlan, cassette: string): Promise<CaseModels> {
  if (plan.mode === "scripted") return { env: {}, misses: [], stop: async () => undefined };
  if (plan.mode === "gemini" && !plan.upstream) {
    return {
      env: { ...plan.settings, GOOGLE_API_KEY: plan.apiKey! },
      misses: [],
      stop: async () => undefined,
    };
  }
  const replay = await startGeminiReplay({
    cassette,
    mode: plan.upstream ? "record" : "replay",
    upstream: plan.upstream,
  });
  return {
    env: {
      ...plan.settings,
      GOOGLE_API_KEY: "replay",
      GEMINI_BASE_URL: replay.url,
      // A missing recording fails at once instead of being asked again.
      ...(plan.upstream ? {} : { GEMINI_MAX_RETRIES: "0" }),
    },
    misses: replay.misses,
    stop: () => replay.stop(),
  };
}
