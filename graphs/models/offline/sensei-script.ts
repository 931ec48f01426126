import { TOOLS } from "../../../domain/index.js";
import { HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { AgentSession } from "../../agent-sessions.js";
import { learnerName } from "./learner-name.js";
import { isRefusal } from "./conversation.js";
import {
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
import { recommendedVideo, videoSearch } from "./sensei-video.js";
import { teachingStyles } from "./styles.js";
import type { ScriptInput, ScriptedReply } from "./types.js";

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

function answer(teaching: Teaching, text: string, concepts: number): Reaction {
  const { stage } = teaching;
  switch (stage.kind) {
    case "concept": {
      if (isSkipRequest(text)) return { kind: "declined_skip" };
      if (isUnsure(text)) {
        const attempt = teaching.struggles[stage.concept] ?? 0;
        teaching.struggles[stage.concept] = attempt + 1;
        teaching.simplified = true;
        return { kind: "reexplain", concept: stage.concept, attempt };
      }
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
      if (isSkipRequest(text)) return { kind: "declined_skip" };
      if (isUnsure(text)) {
        const concept = weakestConcept(teaching);
        const attempt = teaching.struggles[concept] ?? 0;
        teaching.struggles[concept] = attempt + 1;
        return { kind: "reexplain", concept, attempt };
      }
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

function compose(
  reaction: Reaction,
  teaching: Teaching,
  lesson: Lesson,
  name: string | undefined,
  video = "",
): string {
  const ask = currentQuestion(teaching, lesson);
  const title = `**${lesson.title}**`;
  switch (reaction.kind) {
    case "start":
      return [
        `Let's get started with ${title}${name === undefined ? "" : `, ${name}`}.`,
        conceptBlock(0, lesson),
        video,
        ask,
      ]
        .filter(Boolean)
        .join("\n\n");
    case "next_concept":
      return [praise(reaction.answered), conceptBlock(reaction.answered + 1, lesson), video, ask]
        .filter(Boolean)
        .join("\n\n");
    case "recap":
      return [praise(reaction.answered), recap(lesson), ask].join("\n\n");
    case "reexplain":
      return `${reexplanation(reaction.concept, reaction.attempt, lesson)}\n\n${simplerQuestion(reaction.concept, lesson)}`;
    case "declined_skip":
      return `I love the enthusiasm! I'll mark this checkpoint complete as soon as you've shown you've got it, so let's keep going together. ${ask}`;
    case "reassure": {
      const opener = reaction.asked
        ? "Of course, here's one more way to look at it."
        : "That's completely okay, let's firm up the trickiest part.";
      return `${opener} ${reexplanation(reaction.concept, reaction.attempt, lesson)}\n\n${ask}`;
    }
    case "complete":
      return `Fantastic work${name === undefined ? "" : `, ${name}`}: you've got ${title} down!`;
    case "refused":
      return `Let's keep going: one more quick check to make sure it's solid. ${ask}`;
    case "practised":
      return `${praise(0)} ${ask}`;
    case "finished":
      return `You've finished ${title}, nicely done!`;
  }
}

export function senseiScript({
  messages,
  session,
  tools,
}: ScriptInput<SenseiSession>): ScriptedReply {
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
  const text = compose(reaction, teaching, lesson, learnerName(session.learner_name), video);

  const canComplete =
    reaction.kind === "complete" &&
    tools.some((tool) => tool.name === TOOLS.markCheckpointComplete);
  if (!canComplete) return { text };
  return { text, toolCalls: [{ name: TOOLS.markCheckpointComplete, args: {} }] };
}
