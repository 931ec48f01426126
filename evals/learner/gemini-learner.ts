import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { renderPrompt } from "../../graphs/prompts.js";
import { geminiAt, type GeminiEndpoint } from "../runner/eval-gemini.js";
import type { LearnerView, SimulatedLearner } from "./learner.js";

const STYLES: Record<string, string> = {
  unsure_first: "you often say you are not sure before you try an answer",
  asks_off_topic: "now and then you ask something unrelated to the lesson",
};

/** The learner as an LLM: Gemini plays the persona against the tutor's actual messages. */
export function geminiLearner(endpoint: GeminiEndpoint): SimulatedLearner {
  const model = geminiAt(endpoint, 0.7);
  return {
    kind: "gemini",
    async next(view: LearnerView) {
      const { persona } = view;
      const system = renderPrompt("evals/learner.md", {
        agent: view.agent === "commander" ? "Polaris, who shapes a learning mission" : "Lumina",
        name: view.name,
        goal: persona.goal,
        topic: persona.topic,
        outcome: persona.outcome,
        level: persona.level,
        style: persona.style.map((s) => STYLES[s]).join("; ") || "plainly",
      });
      const transcript = view.transcript
        .map((line) => `${line.speaker === "learner" ? "You" : "Tutor"}: ${line.text}`)
        .join("\n\n");
      const reply = await model.invoke([
        new SystemMessage(system),
        new HumanMessage(transcript || "(The conversation has not started: say hello.)"),
      ]);
      const text = reply.text.trim();
      return text === "" || text === "DONE" ? undefined : text;
    },
  };
}
