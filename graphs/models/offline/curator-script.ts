import type { Level } from "../../../domain/index.js";
import { asSubject, capitalise, isActionPhrase, withArticle, wordsOf } from "./language.js";
import type { AgentSession } from "../../agent-sessions.js";
import type { ScriptInput, ScriptedReply } from "./types.js";

const FOUNDATIONS_NOTE = /,?\s*starting from the foundations\s*$/i;
const MAX_CHECKPOINT_LENGTH = 200;

interface Brief {
  /** The topic as a subject ("how to bake bread" becomes "baking bread"). */
  topic: string;
  level: Level;
  /** The outcome without the "starting from the foundations" note. */
  outcome: string;
  includeFoundations: boolean;
  /** The outcome already names the topic, so phrases like "… with <topic>" would repeat it. */
  outcomeNamesTopic: boolean;
}

function includesPhrase(text: string, phrase: string): boolean {
  return ` ${wordsOf(text).join(" ")} `.includes(` ${wordsOf(phrase).join(" ")} `);
}

function briefFrom(session: AgentSession<"mission_curator">): Brief {
  const rawTopic = session.topic.trim() || "your chosen topic";
  const topic = asSubject(rawTopic);
  const rawOutcome = session.outcome.trim() || `build practical confidence with ${topic}`;
  const outcome = rawOutcome.replace(FOUNDATIONS_NOTE, "");
  const bareTopic = rawTopic.replace(/^how to\s+/i, "");
  return {
    topic,
    level: session.level,
    outcome,
    outcomeNamesTopic: includesPhrase(outcome, topic) || includesPhrase(outcome, bareTopic),
    includeFoundations: FOUNDATIONS_NOTE.test(rawOutcome),
  };
}

const SUBTITLES: Record<Level, string> = {
  Beginner: "From First Steps to Confident Practice",
  Intermediate: "Building Real Fluency",
  Advanced: "Mastering the Craft",
};

const AUDIENCES: Record<Level, string> = {
  Beginner: "learners who are just starting out",
  Intermediate: "learners who already know the basics",
  Advanced: "experienced practitioners",
};

function aimOf({ outcome }: Brief): string {
  return isActionPhrase(outcome) ? `so you can ${outcome}` : `with a focus on ${outcome}`;
}

function focusOf({ outcome }: Brief): string {
  return isActionPhrase(outcome) ? `one practical goal: to ${outcome}` : `one focus: ${outcome}`;
}

function capstone({ topic, outcome, outcomeNamesTopic }: Brief): string {
  const title = outcomeNamesTopic
    ? `Capstone: ${outcome}`
    : isActionPhrase(outcome)
      ? `Capstone: ${outcome} with ${topic}`
      : `Capstone: a ${topic} project on ${outcome}`;
  return title.length <= MAX_CHECKPOINT_LENGTH ? title : `Capstone: a ${topic} project`;
}

function checkpoints(brief: Brief): string[] {
  const { topic, level, includeFoundations } = brief;
  const opening: Record<Level, string> = {
    Beginner: `Foundations of ${topic}`,
    Intermediate: `Refreshing the essentials of ${topic}`,
    Advanced: `Advanced concepts in ${topic}`,
  };
  const middle: Record<Level, string[]> = {
    Beginner: [
      `Core building blocks of ${topic}`,
      `Hands-on practice with ${topic}`,
      `Common pitfalls in ${topic} and how to avoid them`,
    ],
    Intermediate: [
      `Intermediate techniques in ${topic}`,
      `Solving real-world problems with ${topic}`,
      `Best practices for ${topic}`,
    ],
    Advanced: [
      `Expert patterns in ${topic}`,
      `Performance and trade-offs in ${topic}`,
      `Tackling complex problems with ${topic}`,
    ],
  };
  const first = includeFoundations ? `Foundations of ${topic}` : opening[level];
  return [first, ...middle[level], capstone(brief)];
}

function topicsToCover({ topic, level }: Brief): string[] {
  const byLevel: Record<Level, string[]> = {
    Beginner: [
      `Key ideas and vocabulary of ${topic}`,
      `Core building blocks of ${topic}`,
      "Practising with small, guided exercises",
      "Avoiding common beginner mistakes",
    ],
    Intermediate: [
      `The essentials of ${topic}, revisited`,
      `Intermediate techniques in ${topic}`,
      "Applying skills to realistic problems",
      "Habits and best practices",
    ],
    Advanced: [
      `Advanced concepts in ${topic}`,
      "Expert patterns and when to use them",
      "Performance and trade-offs",
      "Working through complex problems",
    ],
  };
  return [...byLevel[level], "A capstone project that ties it all together"];
}

function skillsOf({ topic, level }: Brief): string[] {
  const core: Record<Level, string> = {
    Beginner: `${capitalise(topic)} fundamentals`,
    Intermediate: `Applied ${topic}`,
    Advanced: `Advanced ${topic}`,
  };
  return [core[level], "Structured problem solving", "Planning and finishing a project"];
}

function description(brief: Brief): string {
  const { topic, level, includeFoundations } = brief;
  const start = includeFoundations
    ? `We begin with the foundations of ${topic}, so nothing is taken for granted`
    : `We begin with the ideas everything else in ${topic} rests on`;
  return [
    `This mission is designed for ${AUDIENCES[level]} in ${topic}, and it's built around ${focusOf(brief)}. You'll move through five short checkpoints, each one building on the last.`,
    `${start}, then build your skills step by step with practice and common pitfalls to watch for.`,
    `It finishes with a capstone where you put everything together, so you leave with something you've actually done, not just read about.`,
  ].join("\n\n");
}

function learningGoal(brief: Brief): string {
  const { topic, level, outcome } = brief;
  const goal = brief.outcomeNamesTopic
    ? `you will be able to ${outcome}`
    : isActionPhrase(outcome)
      ? `you will be able to ${outcome} with ${topic}`
      : `you will be able to apply ${topic} to ${outcome}`;
  return [
    `By the end of this mission, ${goal}.`,
    `You will understand the core ideas of ${topic} at ${withArticle(level.toLowerCase())} level and know when to use each of them.`,
    "You will have practised each skill on small, focused exercises before combining them.",
    "Finally, you will complete a capstone that shows you can use what you've learned on your own.",
  ].join(" ");
}

export function curatorScript({
  session,
  tools,
}: ScriptInput<AgentSession<"mission_curator">>): ScriptedReply {
  const brief = briefFrom(session);
  const title = `${capitalise(brief.topic)}: ${SUBTITLES[brief.level]}`;
  const shortDescription = `${capitalise(withArticle(brief.level.toLowerCase()))} mission that takes you through ${brief.topic} step by step, ${aimOf(brief)}.`;
  const target = tools[0];
  if (target === undefined) return { text: `${title}\n\n${shortDescription}` };
  const mission = {
    title,
    short_description: shortDescription,
    description: description(brief),
    level: brief.level,
    topics_to_cover: topicsToCover(brief),
    learning_goal: learningGoal(brief),
    byte_size_checkpoints: checkpoints(brief),
    skills: skillsOf(brief),
    is_public: true,
  };
  return { text: "", toolCalls: [{ name: target.name, args: mission }] };
}
