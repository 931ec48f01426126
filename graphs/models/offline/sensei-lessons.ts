import type { Level } from "../../../domain/index.js";
import type { TeachingStyle } from "./styles.js";

/** What the teaching text is built from: the current checkpoint and the learner. */
export interface Lesson {
  title: string;
  missionTitle: string;
  level: Level;
  styles: TeachingStyle[];
}

/** The item at `index`, or the last one when the list is shorter. */
function nth<T>(items: readonly [T, ...T[]], index: number): T {
  return items[Math.min(Math.max(index, 0), items.length - 1)] ?? items[0];
}

/** Concepts are numbered from 0; Advanced learners get a third one on trade-offs. */
export function conceptCount(level: Level): number {
  return EXPLANATIONS[level].length;
}

const CONCEPT_NAMES: readonly [string, ...string[]] = [
  "the key ideas",
  "putting it into practice",
  "trade-offs and judgement",
];

const EXPLANATIONS: Record<Level, readonly [string, ...string[]]> = {
  Beginner: [
    "Every new skill rests on a handful of core ideas, and this checkpoint is about meeting them. For **{title}**, focus first on what each idea is *for*, the problem it solves, rather than memorising every detail. Once the purpose is clear, the details become much easier to remember.",
    "Ideas stick when you use them. The best way to practise **{title}** is on a small, concrete task: pick something simple, apply one idea at a time, and check the result before moving on. Small wins build confidence quickly.",
  ],
  Intermediate: [
    "You already have some background, so let's sharpen it. The heart of **{title}** is knowing which idea fits which situation, and why. Being able to explain that reasoning is what turns recognising an idea into using it well.",
    "Now let's apply it. Real problems rarely arrive labelled, so the skill is spotting which part of **{title}** a problem needs, trying it, and checking whether the result makes sense.",
  ],
  Advanced: [
    "At your level, the interesting part of **{title}** is the reasoning underneath: the assumptions each idea makes, and where those assumptions stop holding. That's what lets you adapt instead of following recipes.",
    "Applying **{title}** well means choosing an approach deliberately, testing it against a realistic case, and refining it based on what you see, rather than reaching for the first pattern that comes to mind.",
    "Expertise shows in trade-offs. Most choices in **{title}** buy one thing at the cost of another: simplicity against flexibility, speed against clarity. Naming those trade-offs out loud is how you make decisions you can defend.",
  ],
};

const STYLE_SECTIONS: Record<TeachingStyle, readonly [string, ...string[]]> = {
  examples: [
    "**Example:** Imagine you're about to start a small piece of work for **{mission}**. Before doing anything, you'd jot down the two or three core ideas involved and one sentence on what each one does. That short list becomes your map for everything that follows.",
    "**Example:** Say you have ten minutes to practise. You pick one small task, apply just one idea from this checkpoint, look at what happened, and then adjust. Three short rounds like that teach more than an hour of reading.",
    "**Example:** Two approaches both work, but one is quicker to build and the other is easier to change later. Which one is right depends on what the project needs most right now.",
  ],
  analogies: [
    "**Analogy:** It's like learning the pieces before playing chess. Once you know how each piece moves, every position on the board starts to make sense.",
    "**Analogy:** Think of learning to cook: reading recipes helps, but you really learn by making one simple dish, tasting it, and adjusting the seasoning.",
    "**Analogy:** It's like packing for a trip: every extra item adds comfort but also weight, and a good packer knows which trade is worth making.",
  ],
  "step-by-step": [
    "**Step by step:**\n1. Name the idea in one short sentence.\n2. Say what problem it solves.\n3. Connect it to something you already know.",
    "**Step by step:**\n1. Choose a small, concrete task.\n2. Apply one idea from this checkpoint.\n3. Check the result, and adjust before adding the next idea.",
    "**Step by step:**\n1. List the options you have.\n2. Note what each one gains and what it costs.\n3. Pick the one whose costs matter least for your goal.",
  ],
  visual: [
    "**Picture it:**\n```\n[core idea] → [what it's for] → [where you'd use it]\n```",
    "**Picture it:**\n```\n[small task] → [apply one idea] → [check the result] → repeat\n```",
    "**Picture it:**\n```\noption A: + simple    − rigid\noption B: + flexible  − more complex\n```",
  ],
  "hands-on": [
    "**Try it:** Take two minutes and write down every word or idea you already connect with {title}. Circle the two that seem most important; we'll build on them.",
    "**Try it:** Pick one tiny task related to **{mission}** and attempt it using a single idea from this checkpoint. Don't aim for perfect, just notice what happens.",
    "**Try it:** Think of a recent decision you made in this area and list one thing you gained and one thing you gave up.",
  ],
};

/** When the learner has no recognised style, vary the format from concept to concept. */
const DEFAULT_STYLES: readonly [TeachingStyle, ...TeachingStyle[]] = [
  "analogies",
  "examples",
  "step-by-step",
];

const QUESTIONS: readonly [string, ...string[]] = [
  "In your own words, what is one core idea in {title}, and what is it for?",
  "If you had ten minutes to practise {title}, what small task would you try first, and which idea would you use?",
  "What's one trade-off you'd weigh when applying {title} in a real project?",
];

const SIMPLER_QUESTIONS: readonly [string, ...string[]] = [
  "Can you name one word or idea you've already come across in {title}, even if you're not sure what it means yet?",
  "What's one small thing you could try today to practise {title}?",
  "Can you think of a situation where the simpler option would be the better choice?",
];

const REEXPLANATIONS: readonly [readonly [string, string], ...(readonly [string, string])[]] = [
  [
    "Think of **{title}** like a recipe: before you cook, you just need to know what each ingredient is for. Right now our only job is to recognise the main ingredients; the details can wait.",
    "Imagine explaining **{title}** to a friend in one sentence. You wouldn't list every detail, you'd just say what it's for. That one sentence is all we're aiming for right now.",
  ],
  [
    "Practice doesn't have to be big. It's like learning to ride a bike: a few short, wobbly tries teach you more than reading about balance. One tiny task is enough to start.",
    "Let's shrink it down. Pick the smallest task you can imagine, something you could finish in five minutes, and use just one idea on it. That's real practice.",
  ],
  [
    "Think of choosing between a bicycle and a car for a trip across town: the car is faster, the bike is cheaper and easier to park. Neither is always right; it depends on what matters most that day. Trade-offs in **{title}** work the same way.",
    "Every option has a cost. The question is simply: what do I gain, and what do I give up? Answering that honestly is the whole skill.",
  ],
];

const REEXPLANATION_OPENERS: readonly [string, string] = [
  "No worries, let's look at it another way.",
  "That's completely okay; this is exactly where learning happens.",
];

function fill(template: string, lesson: Lesson): string {
  return template.replaceAll("{title}", lesson.title).replaceAll("{mission}", lesson.missionTitle);
}

/** The learner's styles take turns across concepts, in the order they listed them. */
function styleFor(concept: number, lesson: Lesson): TeachingStyle {
  const [first, ...rest] = lesson.styles;
  const styles: readonly [TeachingStyle, ...TeachingStyle[]] =
    first === undefined ? DEFAULT_STYLES : [first, ...rest];
  return styles[concept % styles.length] ?? styles[0];
}

export function conceptBlock(concept: number, lesson: Lesson): string {
  return [
    `### Concept ${concept + 1}: ${lesson.title} — ${nth(CONCEPT_NAMES, concept)}`,
    fill(nth(EXPLANATIONS[lesson.level], concept), lesson),
    fill(nth(STYLE_SECTIONS[styleFor(concept, lesson)], concept), lesson),
  ].join("\n\n");
}

export function question(concept: number, lesson: Lesson): string {
  return fill(nth(QUESTIONS, concept), lesson);
}

export function simplerQuestion(concept: number, lesson: Lesson): string {
  return fill(nth(SIMPLER_QUESTIONS, concept), lesson);
}

/** A fresh, simpler take on a concept; successive attempts alternate between two framings. */
export function reexplanation(concept: number, attempt: number, lesson: Lesson): string {
  const variant = attempt % 2;
  const framing = nth(REEXPLANATIONS, concept)[variant === 0 ? 0 : 1];
  return `${REEXPLANATION_OPENERS[variant === 0 ? 0 : 1]} ${fill(framing, lesson)}`;
}

export function recap(lesson: Lesson): string {
  const closing =
    lesson.level === "Advanced"
      ? "Good decisions come from naming the trade-offs out loud."
      : "Connecting new ideas to what you already know is what makes them stick.";
  return [
    "**Quick recap**",
    `- ${lesson.title} rests on a few core ideas, and knowing what each one is *for* matters more than memorising details.`,
    "- You get better by practising on small, concrete tasks and checking the result each time.",
    `- ${closing}`,
  ].join("\n");
}

export function confidenceQuestion(lesson: Lesson): string {
  return `How confident do you feel about ${lesson.title} now?`;
}

export function practiceQuestion(lesson: Lesson): string {
  return `How would you explain the most important idea from ${lesson.title} to someone just starting out?`;
}

const PRAISE: readonly [string, ...string[]] = [
  "Good thinking!",
  "Nicely put!",
  "That's a solid answer.",
];

export function praise(concept: number): string {
  return nth(PRAISE, concept);
}
