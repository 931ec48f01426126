import { existsSync } from "node:fs";
import { startGeminiReplay } from "../gemini-replay/index.js";
import type { ModelPlan } from "../runner/models.js";
import { geminiLearner } from "./gemini-learner.js";
import { scriptedLearner } from "./scripted-learner.js";
import type { SimulatedLearner } from "./learner.js";

export {
  latestFromTutor,
  type LearnerView,
  type SeenLine,
  type SimulatedLearner,
} from "./learner.js";
export { scriptedLearner } from "./scripted-learner.js";

export interface LearnerSession {
  learner: SimulatedLearner;
  stop(): Promise<void>;
}

const none = async () => undefined;

/**
 * Who plays the learner in a case's simulated turns: Gemini when the run has a key and talks to
 * live Gemini (recording its messages with --record), Gemini replayed from the case's learner
 * cassette when one exists, and otherwise the scripted learner.
 */
export async function openLearner(plan: ModelPlan, cassette: string): Promise<LearnerSession> {
  const model = plan.learnerModel;
  if (plan.mode === "replay" && !plan.upstream && existsSync(cassette)) {
    const replay = await startGeminiReplay({ cassette });
    return {
      learner: geminiLearner({ apiKey: "replay", baseUrl: replay.url, model }),
      stop: () => replay.stop(),
    };
  }
  if (plan.mode !== "gemini" || !plan.apiKey) return { learner: scriptedLearner(), stop: none };
  if (plan.upstream) {
    const recorder = await startGeminiReplay({ cassette, mode: "record", upstream: plan.upstream });
    return {
      learner: geminiLearner({ apiKey: "recording", baseUrl: recorder.url, model }),
      stop: () => recorder.stop(),
    };
  }
  return { learner: geminiLearner({ apiKey: plan.apiKey, model }), stop: none };
}
