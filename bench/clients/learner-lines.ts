import { SEED_INTERVIEW } from "../../test/support/seed-interview.js";

// What the bench's learners say. Every conversation can go on for as long as a phase needs:
// the Commander learner answers the interview but never confirms it, and the Ally learner asks
// questions Lumina answers briefly before steering back to the checkpoint, or, in a lesson,
// keeps answering the sensei without ever saying they are confident (which would complete the
// checkpoint, and a mission ends after four).

/** Small talk Polaris declines, so the summary stays unconfirmed. */
const COMMANDER_ASIDES = [
  "What's the weather like where you are?",
  "Tell me a joke?",
  "Who won the football game last night?",
  "Did you see any good movies this weekend?",
  "What's your favourite dinner?",
];

/** Questions that share no word with the mission, so Lumina declines them. */
const ALLY_ASIDES = [
  "By the way, who won the football world cup in 1998?",
  "Random question: what is the tallest mountain in Africa?",
  "Unrelated, but how many moons does Jupiter have?",
  "Quick aside: who painted the Mona Lisa?",
  "Off topic: what is the capital of Australia?",
];

const cycle = (lines: readonly string[], i: number) => lines[i % lines.length]!;

/** The seed interview up to its summary (topic, outcome, level, prerequisites), then small talk. */
export function commanderLine(turn: number): string {
  const interview = SEED_INTERVIEW.slice(0, -1);
  return turn < interview.length ? interview[turn]! : cycle(COMMANDER_ASIDES, turn);
}

/** The whole seed interview: its last answer confirms, and the mission is created. */
export const CONFIRMED_INTERVIEW: readonly string[] = SEED_INTERVIEW;

/** A greeting, then off-topic questions: Lumina's briefing of the first checkpoint, forever. */
export function allyChatLine(turn: number): string {
  return turn === 0 ? "Hi!" : cycle(ALLY_ASIDES, turn);
}

/** A greeting, agreement to the briefing, then answers to the sensei that are never "confident". */
export function allyLessonLine(turn: number): string {
  if (turn === 0) return "Hi!";
  if (turn === 1) return "Yes, that sounds great!";
  return "I think it means breaking the idea into smaller parts and applying them step by step.";
}
