import type { Persona } from "../runner/case-schema.js";

/** A line of the conversation as the simulated learner sees it: what it said, and the tutor. */
export interface SeenLine {
  speaker: "learner" | "tutor";
  text: string;
}

/** What the simulated learner answers from: who it is and the conversation so far. */
export interface LearnerView {
  agent: "commander" | "ally";
  name: string;
  persona: Persona;
  transcript: SeenLine[];
}

/** Plays the learner's side: the next message, or undefined when it has nothing left to say. */
export interface SimulatedLearner {
  readonly kind: "scripted" | "gemini";
  next(view: LearnerView): Promise<string | undefined>;
}

/** The tutor's messages since the learner last spoke. */
export function latestFromTutor(transcript: readonly SeenLine[]): string {
  const from = transcript.findLastIndex((line) => line.speaker === "learner") + 1;
  return transcript
    .slice(from)
    .map((line) => line.text)
    .join("\n\n");
}
