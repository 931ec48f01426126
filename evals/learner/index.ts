import { existsSync } from "node:fs";
import { serveGemini } from "../runner/eval-gemini.js";
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
  const replayed = plan.mode === "replay" && !plan.upstream && existsSync(cassette);
  const live = plan.mode === "gemini" && !!plan.apiKey;
  if (!replayed && !live) return { learner: scriptedLearner(), stop: none };
  const { endpoint, stop } = await serveGemini(plan, cassette, plan.learnerModel);
  return { learner: geminiLearner(endpoint), stop };
}
