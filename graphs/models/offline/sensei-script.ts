import { TOOLS, readAnswer, type AnswerVerdict, type NotAnAnswer } from "../../../domain/index.js";
import { HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { AgentSession } from "../../agent-sessions.js";
import { learnerName } from "./learner-name.js";
import { isRefusal, languageNote, lastHumanText } from "./conversation.js";
import {
  hasPhrase,
  isBulkSkipRequest,
  isConfident,
  isSkipRequest,
  isUnconfident,
  isUnsure,
  statesConfidence,
} from "./language.js";
import {
  conceptBlock,
  conceptCount,
  confidenceQuestion,
  practiceQuestion,
  praise,
  question,
  recap,
  reexplanation,
  simplerQuestion,
  type Lesson,
} from "./sensei-lessons.js";
import { recallEarlier } from "./recall.js";
import { recommendedVideo, videoSearch } from "./sensei-video.js";
import { teachingStyles } from "./styles.js";
import type { BoundTool, ScriptInput, ScriptedReply } from "./types.js";

type Stage =
  | { kind: "concept"; concept: number }
  | { kind: "confidence" }
  | { kind: "practice" }
  | { kind: "done" };

/** What happened on the latest event of the checkpoint; it decides the reply. */
type Reaction =
  | { kind: "start" }
  | { kind: "next_concept"; answered: number }
  | { kind: "recap"; answered: number }
  | { kind: "reexplain"; concept: number; attempt: number }
  | { kind: "declined_skip" }
  | { kind: "own_words"; reason: NotAnAnswer }
  | { kind: "impersonation" }
  | { kind: "side_question" }
  | { kind: "reassure"; concept: number; attempt: number; asked: boolean }
  | { kind: "complete" }
  | { kind: "refused" }
  | { kind: "practised" }
  | { kind: "finished" };

interface Teaching {
  stage: Stage;
  /** How often the learner was unsure, per concept; the most-missed one is the weakest point. */
  struggles: number[];
  /** Whether the current question has been simplified after an unsure answer. */
  simplified: boolean;
}

type SenseiSession = AgentSession<"mission_sensei">;

const HEDGES = [
  ...["maybe", "i guess", "not sure", "perhaps", "probably", "no idea", "im guessing"],
  ...["quizas", "tal vez", "peut etre", "vielleicht", "talvez", "forse"],
];

/**
 * The offline teacher's verdict on an answer: no answer by the same rules the server applies, not
 * yet when it hedges ("maybe …", "I guess …"), understood otherwise. It cannot tell right from
 * wrong, so it judges how sure the learner sounds.
 */
export function scriptedVerdict(answer: string): AnswerVerdict {
  if (!readAnswer(answer).substantive) {
    return { verdict: "not_an_answer", reason: "It does not try to answer the question." };
  }
  if (hasPhrase(answer, HEDGES)) {
    return { verdict: "not_yet", reason: "It hedges, so the idea needs another pass." };
  }
  return { verdict: "understood", reason: "It puts the idea in the learner's own words." };
}

function lessonFrom(session: SenseiSession): Lesson {
  return {
    title: session.checkpoint_title.trim() || "this checkpoint",
    missionTitle: session.mission_title.trim() || "your mission",
    level: session.learner_level,
    styles: teachingStyles(session.learning_style),
  };
}

/** The events of this checkpoint: its last `turns` learner messages and what followed them. */
function checkpointEvents(messages: readonly BaseMessage[], turns: number): BaseMessage[] {
  if (turns <= 0) return [];
  const humanIndexes = messages.flatMap((message, index) =>
    HumanMessage.isInstance(message) ? [index] : [],
  );
  const start = humanIndexes.at(-Math.min(turns, humanIndexes.length));
  return start === undefined ? [] : messages.slice(start);
}

function weakestConcept(teaching: Teaching): number {
  const most = Math.max(...teaching.struggles);
  return most === 0 ? teaching.struggles.length - 1 : teaching.struggles.lastIndexOf(most);
}

function struggleWith(teaching: Teaching, concept: number): Reaction {
  const attempt = teaching.struggles[concept] ?? 0;
  teaching.struggles[concept] = attempt + 1;
  return { kind: "reexplain", concept, attempt };
}

/**
 * A reply to an open question that is no answer: it leaves the question open. Not knowing, or
 * asking about the lesson, gets a simpler explanation; anything else a kind word and the question
 * again.
 */
function noAnswer(text: string, reason: NotAnAnswer): Reaction | "simpler" {
  switch (reason) {
    case "unsure":
    case "help_request":
      return "simpler";
    case "question":
      return isUnsure(text) ? "simpler" : { kind: "side_question" };
    case "skip_request":
      return { kind: "declined_skip" };
    case "impersonation":
      return { kind: "impersonation" };
    default:
      return { kind: "own_words", reason };
  }
}

/** How a reply to an open question misses it, or undefined when it is an answer understood. */
function missed(text: string): Reaction | "simpler" | undefined {
  const reading = readAnswer(text);
  if (!reading.substantive) return noAnswer(text, reading.reason);
  return scriptedVerdict(text).verdict === "not_yet" ? "simpler" : undefined;
}

function answer(teaching: Teaching, text: string, concepts: number): Reaction {
  const { stage } = teaching;
  switch (stage.kind) {
    case "concept": {
      const miss = missed(text);
      if (miss === "simpler") {
        teaching.simplified = true;
        return struggleWith(teaching, stage.concept);
      }
      if (miss) return miss;
      teaching.simplified = false;
      const answered = stage.concept;
      if (answered + 1 < concepts) {
        teaching.stage = { kind: "concept", concept: answered + 1 };
        return { kind: "next_concept", answered };
      }
      teaching.stage = { kind: "confidence" };
      return { kind: "recap", answered };
    }
    case "confidence": {
      const reading = readAnswer(text);
      if (!reading.substantive && reading.reason === "impersonation") {
        return { kind: "impersonation" };
      }
      if (!reading.substantive && reading.reason === "question" && !isUnsure(text)) {
        return { kind: "side_question" };
      }
      const asksToSkip = isSkipRequest(text);
      const confident = asksToSkip
        ? !isBulkSkipRequest(text) && statesConfidence(text)
        : isConfident(text);
      if (confident) {
        teaching.stage = { kind: "done" };
        return { kind: "complete" };
      }
      if (asksToSkip) return { kind: "declined_skip" };
      const concept = weakestConcept(teaching);
      const attempt = teaching.struggles[concept] ?? 0;
      teaching.struggles[concept] = attempt + 1;
      return { kind: "reassure", concept, attempt, asked: !isUnconfident(text) };
    }
    case "practice": {
      const miss = missed(text);
      if (miss === "simpler") return struggleWith(teaching, weakestConcept(teaching));
      if (miss) return miss;
      teaching.stage = { kind: "confidence" };
      return { kind: "practised" };
    }
    case "done":
      return { kind: "finished" };
  }
}

function replay(events: readonly BaseMessage[], concepts: number) {
  const teaching: Teaching = {
    stage: { kind: "concept", concept: 0 },
    struggles: Array.from({ length: concepts }, () => 0),
    simplified: false,
  };
  let reaction: Reaction = { kind: "start" };
  for (const event of events) {
    if (HumanMessage.isInstance(event)) {
      reaction = answer(teaching, event.text, concepts);
    } else if (ToolMessage.isInstance(event) && isRefusal(event.text)) {
      if (teaching.stage.kind === "done") teaching.stage = { kind: "practice" };
      reaction = { kind: "refused" };
    } else if (ToolMessage.isInstance(event) && teaching.stage.kind === "done") {
      reaction = { kind: "finished" };
    }
  }
  return { teaching, reaction };
}

function currentQuestion(teaching: Teaching, lesson: Lesson): string {
  switch (teaching.stage.kind) {
    case "concept":
      return teaching.simplified
        ? simplerQuestion(teaching.stage.concept, lesson)
        : question(teaching.stage.concept, lesson);
    case "confidence":
      return confidenceQuestion(lesson);
    case "practice":
      return practiceQuestion(lesson);
    case "done":
      return "";
  }
}

const OWN_WORDS: Partial<Record<NotAnAnswer, string>> = {
  agreement:
    "I'm glad it feels clear! Before we move on, I'd love to hear it in your own words, even a sentence or two.",
};
const UNCLEAR =
  "I couldn't quite make that out. Could you answer in a sentence or two, in your own words?";

/** The reply's text, and the comprehension question it asks, if it asks a new one. */
interface Composed {
  text: string;
  asks?: string;
}

function compose(
  reaction: Reaction,
  teaching: Teaching,
  lesson: Lesson,
  name: string | undefined,
  video = "",
  recalled?: string,
): Composed {
  const ask = currentQuestion(teaching, lesson);
  const title = `**${lesson.title}**`;
  const asking = (parts: string[], question: string): Composed => ({
    text: [...parts, question].filter(Boolean).join("\n\n"),
    asks: question,
  });
  switch (reaction.kind) {
    case "start":
      return asking(
        [
          `Let's get started with ${title}${name === undefined ? "" : `, ${name}`}.`,
          conceptBlock(0, lesson),
          video,
        ],
        ask,
      );
    case "next_concept":
      return asking(
        [praise(reaction.answered), conceptBlock(reaction.answered + 1, lesson), video],
        ask,
      );
    case "recap":
      return { text: [praise(reaction.answered), recap(lesson), ask].join("\n\n") };
    case "reexplain":
      return asking(
        [reexplanation(reaction.concept, reaction.attempt, lesson)],
        simplerQuestion(reaction.concept, lesson),
      );
    case "declined_skip":
      return {
        text: `I love the enthusiasm! I'll mark this checkpoint complete as soon as you've shown you've got it, so let's keep going together. ${ask}`,
      };
    case "own_words":
      return { text: `${OWN_WORDS[reaction.reason] ?? UNCLEAR} ${ask}` };
    case "impersonation":
      return {
        text: `That message says it comes from the system, but it came through our chat, so it doesn't change anything here: the checkpoint moves on when you answer in your own words. No harm done! ${ask}`,
      };
    case "side_question":
      if (recalled) return { text: `${recalled} Let's come back to where we were: ${ask}` };
      return {
        text: `Good question! It's outside ${title}, and in this offline mode I can't look facts up, so I won't guess at an answer. Let's come back to where we were: ${ask}`,
      };
    case "reassure": {
      const opener = reaction.asked
        ? "Of course, here's one more way to look at it."
        : "That's completely okay, let's firm up the trickiest part.";
      return {
        text: `${opener} ${reexplanation(reaction.concept, reaction.attempt, lesson)}\n\n${ask}`,
      };
    }
    case "complete":
      return {
        text: `Fantastic work${name === undefined ? "" : `, ${name}`}: you've got ${title} down!`,
      };
    case "refused":
      return {
        text: `Let's keep going: one more quick check to make sure it's solid. ${ask}`,
        asks: ask,
      };
    case "practised":
      return { text: `${praise(0)} ${ask}` };
    case "finished":
      return { text: `You've finished ${title}, nicely done!` };
  }
}

/** The verdict on the answer the learner just gave, as structured output. */
function verdictScript(messages: readonly BaseMessage[], tools: BoundTool[]): ScriptedReply {
  const verdict = scriptedVerdict(lastHumanText(messages));
  const target = tools[0];
  if (target === undefined) return { text: JSON.stringify(verdict) };
  return { text: "", toolCalls: [{ name: target.name, args: { ...verdict } }] };
}

export function senseiScript({
  messages,
  session,
  tools,
}: ScriptInput<SenseiSession>): ScriptedReply {
  if (session.task === "check_answer") return verdictScript(messages, tools);
  const lesson = lessonFrom(session);
  const turns = session.learner_turns_in_checkpoint;
  const events = checkpointEvents(messages, turns);
  const { teaching, reaction } = replay(events, conceptCount(lesson.level));
  const newConcept = reaction.kind === "start" || reaction.kind === "next_concept";
  const video = newConcept ? recommendedVideo(messages) : "";
  if (video === undefined) {
    const search = videoSearch(tools, lesson);
    if (search) return search;
  }
  const recalled =
    reaction.kind === "side_question"
      ? recallEarlier(lastHumanText(messages), session.earlier_checkpoints, lesson.title)
      : undefined;
  const name = learnerName(session.learner_name);
  const composed = compose(reaction, teaching, lesson, name, video, recalled);
  const note = languageNote(messages);
  const text = note ? `${note}\n\n${composed.text}` : composed.text;
  const bound = (name: string) => tools.some((tool) => tool.name === name);

  if (reaction.kind === "complete" && bound(TOOLS.markCheckpointComplete)) {
    return { text, toolCalls: [{ name: TOOLS.markCheckpointComplete, args: {} }] };
  }
  if (composed.asks && bound(TOOLS.askQuestion)) {
    return { text, toolCalls: [{ name: TOOLS.askQuestion, args: { question: composed.asks } }] };
  }
  return { text };
}
