import type { Level } from "../../../domain/index.js";
import { TOOLS } from "../../../domain/index.js";
import { HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { AgentSession } from "../../agent-sessions.js";
import { learnerName as nameOf } from "./learner-name.js";
import { isRefusal, languageNote } from "./conversation.js";
import { prerequisitesFor } from "./foundations.js";
import {
  hasPhrase,
  isActionPhrase,
  isAgreement,
  isGreetingOnly,
  isOffTopic,
  isUnsure,
  levelFromText,
  outcomeFromAnswer,
  outcomeFromStatement,
  startsWithGreeting,
  topicFromShortAnswer,
  topicFromStatement,
  wantsFoundations,
  withArticle,
  wordsOf,
} from "./language.js";
import type { ScriptInput, ScriptedReply } from "./types.js";

const FOUNDATIONS_NOTE = ", starting from the foundations";

interface Interview {
  topic?: string;
  outcome?: string;
  level?: Level;
  prerequisitesChecked: boolean;
  includeFoundations: boolean;
  /** The learner turned the summary down without saying what to change. */
  summaryRejected: boolean;
  confirmed: boolean;
}

type Step = "topic" | "outcome" | "level" | "prerequisites" | "confirmation" | "change" | "done";

/** How the interview reacted to the latest event; it decides how the reply opens. */
type Reaction =
  | "opening"
  | "greeting"
  | "off_topic"
  | "unsure"
  | "progress"
  | "corrected"
  | "rejected"
  | "confirmed"
  | "refused"
  | "saved"
  | "settled";

function nextStep(interview: Interview): Step {
  if (interview.confirmed) return "done";
  if (interview.topic === undefined) return "topic";
  if (interview.outcome === undefined) return "outcome";
  if (interview.level === undefined) return "level";
  if (!interview.prerequisitesChecked) return "prerequisites";
  return interview.summaryRejected ? "change" : "confirmation";
}

export function polarisScript({
  messages,
  session,
  tools,
}: ScriptInput<AgentSession<"polaris">>): ScriptedReply {
  const { interview, reaction, isFirstTurn } = replay(messages);
  const learnerName = nameOf(session.learner_name) ?? "there";

  if (reaction === "confirmed") {
    const goal = goalOf(interview);
    if (goal !== undefined && tools.some((tool) => tool.name === TOOLS.confirmLearningGoal)) {
      return { text: "", toolCalls: [{ name: TOOLS.confirmLearningGoal, args: { ...goal } }] };
    }
  }
  return { text: compose(interview, reaction, isFirstTurn, learnerName, languageNote(messages)) };
}

function replay(messages: readonly BaseMessage[]): {
  interview: Interview;
  reaction: Reaction;
  isFirstTurn: boolean;
} {
  const interview: Interview = {
    prerequisitesChecked: false,
    includeFoundations: false,
    summaryRejected: false,
    confirmed: false,
  };
  let reaction: Reaction = "opening";
  let learnerTurns = 0;
  for (const message of messages) {
    if (HumanMessage.isInstance(message)) {
      learnerTurns += 1;
      reaction = absorb(interview, message.text);
    } else if (ToolMessage.isInstance(message)) {
      reaction = isRefusal(message.text) ? "refused" : "saved";
      if (reaction === "refused") interview.confirmed = false;
    }
  }
  return { interview, reaction, isFirstTurn: learnerTurns <= 1 };
}

function absorb(interview: Interview, text: string): Reaction {
  const step = nextStep(interview);
  if (step === "done") return applyCorrections(interview, text) ? "corrected" : "settled";
  if (isGreetingOnly(text)) return "greeting";
  if (isOffTopic(text)) return "off_topic";
  if (step === "confirmation" || step === "change") return reconsider(interview, text, step);
  return fill(interview, text, step);
}

function fill(interview: Interview, text: string, step: Step): Reaction {
  const before = JSON.stringify(interview);
  const mention =
    topicFromStatement(text) ??
    (step === "topic" && !isUnsure(text) && !startsWithGreeting(text)
      ? topicFromShortAnswer(text)
      : undefined);
  interview.topic ??= mention?.topic;
  interview.outcome ??= outcomeFromStatement(text);
  const statedLevel = levelFromText(mention?.rest ?? text);
  interview.level ??= statedLevel;

  if (step === "outcome" && interview.outcome === undefined) {
    const onlyStatesLevel = statedLevel !== undefined && wordsOf(text).length <= 6;
    if (isUnsure(text)) interview.outcome = defaultOutcome(interview.topic ?? "it");
    else if (!onlyStatesLevel) interview.outcome = outcomeFromAnswer(text);
  }
  if (step === "level") interview.level ??= "Beginner";
  if (step === "prerequisites") {
    interview.prerequisitesChecked = true;
    interview.includeFoundations = wantsFoundations(text);
  }

  if (JSON.stringify(interview) !== before) return "progress";
  return startsWithGreeting(text) ? "greeting" : "unsure";
}

/** The goal we suggest when the learner cannot name one ("how to bake" → "bake … with confidence"). */
function defaultOutcome(topic: string): string {
  const howTo = /^how to\s+(.+)$/i.exec(topic)?.[1];
  return howTo === undefined
    ? `build practical confidence with ${topic}`
    : `${howTo} with confidence`;
}

function reconsider(interview: Interview, text: string, step: Step): Reaction {
  if (isAgreement(text)) {
    interview.confirmed = true;
    return "confirmed";
  }
  if (applyCorrections(interview, text) || clearNamedSlot(interview, text)) {
    interview.summaryRejected = false;
    return "corrected";
  }
  if (step === "change" && wordsOf(text).length >= 2 && !isUnsure(text)) {
    const outcome = outcomeFromAnswer(text);
    if (outcome !== undefined) {
      interview.outcome = outcome;
      interview.summaryRejected = false;
      return "corrected";
    }
  }
  interview.summaryRejected = true;
  return step === "change" ? "unsure" : "rejected";
}

const ADD_FOUNDATIONS = [
  "start from the foundations",
  "start with the foundations",
  "start with the basics",
  "start from the basics",
  "include the basics",
  "include the foundations",
  "from scratch",
];
const DROP_FOUNDATIONS = [
  "skip the foundations",
  "skip the basics",
  "without the foundations",
  "without the basics",
  "dont need the foundations",
  "dont need the basics",
];

/** Updates any slot the message restates; true when something changed. */
function applyCorrections(interview: Interview, text: string): boolean {
  const before = JSON.stringify(interview);
  const mention = topicFromStatement(text);
  interview.topic = mention?.topic ?? interview.topic;
  interview.level = levelFromText(mention?.rest ?? text) ?? interview.level;
  interview.outcome = outcomeFromStatement(text) ?? interview.outcome;
  if (hasPhrase(text, DROP_FOUNDATIONS)) interview.includeFoundations = false;
  else if (hasPhrase(text, ADD_FOUNDATIONS)) interview.includeFoundations = true;
  if (JSON.stringify(interview) === before) return false;
  interview.confirmed = false;
  return true;
}

/** "The level is wrong" → forget the level so the interview asks for it again. */
function clearNamedSlot(interview: Interview, text: string): boolean {
  if (hasPhrase(text, ["level", "experience"])) interview.level = undefined;
  else if (hasPhrase(text, ["topic", "subject"])) interview.topic = undefined;
  else if (hasPhrase(text, ["goal", "focus", "outcome", "achieve"])) interview.outcome = undefined;
  else return false;
  return true;
}

interface Goal {
  topic: string;
  level: Level;
  outcome: string;
}

function goalOf(interview: Interview): Goal | undefined {
  const { topic, level, outcome } = interview;
  if (topic === undefined || level === undefined || outcome === undefined) return undefined;
  const note = interview.includeFoundations ? FOUNDATIONS_NOTE : "";
  return { topic, level, outcome: `${outcome}${note}` };
}

function summaryOf(goal: Goal): string {
  const aim = isActionPhrase(goal.outcome)
    ? `so that you can ${goal.outcome}`
    : `focusing on ${goal.outcome}`;
  return `So you want to learn ${goal.topic}, at ${withArticle(goal.level)} level, ${aim}. Does that capture it?`;
}

function question(interview: Interview, step: Step): string {
  const topic = interview.topic ?? "it";
  switch (step) {
    case "topic":
      return "What would you like to learn?";
    case "outcome":
      return `What would you like to be able to do with ${topic} once you've learned it?`;
    case "level":
      return `How much experience do you have with ${topic} so far — would you call yourself a beginner, intermediate or advanced?`;
    case "prerequisites":
      return `Before we lock this in: are you comfortable with ${prerequisitesFor(topic, interview.level ?? "Beginner")}, or should the mission start with those foundations?`;
    case "change":
      return "What would you like to change: the topic, the level, or what you want to achieve?";
    case "confirmation":
    case "done": {
      const goal = goalOf(interview);
      return goal === undefined ? "What would you like to learn?" : summaryOf(goal);
    }
  }
}

const PROGRESS_NOTES: Partial<Record<Step, string>> = {
  topic: "Good to know.",
  outcome: "Great choice!",
  level: "That's a clear goal.",
  prerequisites: "Thanks, that helps.",
};

function reactionNote(reaction: Reaction, step: Step): string {
  switch (reaction) {
    case "greeting":
      return "Hello again!";
    case "unsure":
      return step === "topic"
        ? "That's completely fine — it can be anything from a programming language to a musical instrument."
        : "No problem.";
    case "progress":
      return PROGRESS_NOTES[step] ?? "";
    case "corrected":
      return "Thanks for clarifying.";
    case "rejected":
      return "No problem — let's get it right.";
    case "refused":
      return "Let's double-check the details before we lock them in.";
    default:
      return "";
  }
}

function lead(reaction: Reaction, step: Step, isFirstTurn: boolean, learnerName: string): string {
  if (reaction === "off_topic") return "Let's stay focused on clarifying your learning goal first.";
  if (!isFirstTurn || reaction === "refused" || reaction === "saved") {
    return reactionNote(reaction, step);
  }
  const intro = `Hi ${learnerName}! I'm Polaris, and I'll help you shape a learning mission that fits you.`;
  const note = reaction === "greeting" ? "" : reactionNote(reaction, step);
  return note === "" ? intro : `${intro} ${note}`;
}

/** The reply: how the interview reacted, the note for a learner writing in another language, the next question. */
function compose(
  interview: Interview,
  reaction: Reaction,
  isFirstTurn: boolean,
  learnerName: string,
  note: string,
): string {
  const goal = goalOf(interview);
  const isSettled = reaction === "saved" || reaction === "settled" || reaction === "confirmed";
  if (isSettled && goal !== undefined) {
    return `Wonderful — your learning goal is locked in: ${goal.topic}, at ${withArticle(goal.level)} level. Your mission will be shaped around exactly that.`;
  }
  const step = nextStep(interview);
  const opening = lead(reaction, step, isFirstTurn, learnerName);
  const ask = question(interview, step === "done" ? "confirmation" : step);
  return [opening, note, ask].filter(Boolean).join(" ");
}
