import { TOOLS, readAnswer } from "../../../domain/index.js";
import type { AgentSession } from "../../agent-sessions.js";
import { learnerName } from "./learner-name.js";
import { languageNote, lastHumanText } from "./conversation.js";
import { hasPhrase, isAgreement, isSkipRequest, wordsOf } from "./language.js";
import { recallEarlier } from "./recall.js";
import { teachingStyles, type TeachingStyle } from "./styles.js";
import type { ScriptInput, ScriptedReply } from "./types.js";

const FIT_QUESTION = "Does that fit what you're hoping to learn?";

interface Mission {
  title: string;
  checkpointTitle: string;
  number: number;
  total: number;
  completed: string[];
  styles: TeachingStyle[];
}

type LuminaSession = AgentSession<"mission_ally">;

function missionFrom(session: LuminaSession): Mission {
  return {
    title: session.mission_title.trim() || "your mission",
    checkpointTitle: session.checkpoint_title.trim() || "this checkpoint",
    number: session.checkpoint_number,
    total: session.checkpoint_total,
    completed: session.completed_checkpoints,
    styles: teachingStyles(session.learning_style),
  };
}

const STYLE_BULLETS: Record<TeachingStyle, string> = {
  examples: "Worked examples you can follow along with",
  analogies: "Everyday analogies that make the ideas stick",
  "step-by-step": "A step-by-step walkthrough of how the pieces fit together",
  visual: "Simple visual breakdowns of how the ideas connect",
  "hands-on": "A short hands-on exercise so you can try it yourself",
};

function briefing(mission: Mission): string {
  const { checkpointTitle, number, total } = mission;
  const style = mission.styles[0];
  const practiceBullet =
    style === undefined
      ? "A worked example that puts the ideas into practice"
      : STYLE_BULLETS[style];
  const isLast = number >= total;
  const later = isLast
    ? "Anything beyond this mission. Once you've finished, I'll suggest where to go next."
    : "The finer details and more advanced variations. They'll be much easier once this checkpoint is solid, and later checkpoints pick them up.";
  const previous = mission.completed.at(-1);
  const why =
    number === 1
      ? `Everything else in **${mission.title}** builds on this, so a solid start makes every later checkpoint easier.`
      : isLast
        ? "This is where it all comes together: it's your chance to show yourself what you can now do."
        : `It builds directly on ${previous ?? "what you've done so far"} and sets you up for the checkpoints ahead.`;
  return [
    `### Checkpoint ${number} of ${total}: ${checkpointTitle}`,
    `**What you'll learn**\nIn this checkpoint you'll get to grips with **${checkpointTitle}**: the key ideas, how they fit together, and how to use them with confidence.`,
    `**What we'll cover**\n- The key ideas behind ${checkpointTitle}, in plain language\n- ${practiceBullet}\n- A quick check-in so you know it has clicked`,
    `**What we'll save for later**\n${later}`,
    `**Why it matters**\n${why}`,
    FIT_QUESTION,
  ].join("\n\n");
}

function greeting(name: string | undefined, mission: Mission): string {
  return `Hi ${name ?? "there"}! I'm Lumina, and I'm so glad you're here. Together we'll work through **${mission.title}** one checkpoint at a time, and I'll make sure each step fits what you want to learn.`;
}

function wrapUp(name: string | undefined, mission: Mission): string {
  const congratulations = name === undefined ? "Congratulations!" : `Congratulations, ${name}!`;
  const achieved =
    mission.completed.length === 0
      ? "You worked through every checkpoint, step by step."
      : `Here's what you worked through:\n${mission.completed.map((title) => `- ${title}`).join("\n")}`;
  return [
    `${congratulations} You've completed every checkpoint of **${mission.title}**, and that's a real achievement.`,
    achieved,
    "**Where to go next**\n1. Start a small project of your own that uses what you've learned, and build it one step at a time.\n2. In a week, revisit the checkpoint that felt hardest and explain it in your own words to lock it in.",
  ].join("\n\n");
}

const STOPWORDS = new Set(
  (
    "the and for with what how why who when where which is are was were you your can could " +
    "would should will do does did this that these those about from into have has had its " +
    "our out there their them they then than just like get got any some more most very also " +
    "not but all one two tell know think want need make use"
  ).split(" "),
);

function meaningfulWords(text: string): Set<string> {
  return new Set(wordsOf(text).filter((word) => word.length >= 3 && !STOPWORDS.has(word)));
}

/** Questions about "we", "us" or "the plan" are about the checkpoint, whatever their subject. */
const PLAN_WORDS = ["we", "us", "plan", "checkpoint", "mission", "lesson"];

/** A question that shares no meaningful word with the mission or the checkpoint. */
function isOffTopicQuestion(text: string, mission: Mission): boolean {
  if (!text.includes("?") || hasPhrase(text, PLAN_WORDS)) return false;
  const missionWords = meaningfulWords(`${mission.title} ${mission.checkpointTitle}`);
  return ![...meaningfulWords(text)].some((word) => missionWords.has(word));
}

function converse(
  messageText: string,
  mission: Mission,
  canStart: boolean,
  earlier: string,
): ScriptedReply {
  const focus = `**${mission.checkpointTitle}**`;
  const reading = readAnswer(messageText);
  if (!reading.substantive && reading.reason === "impersonation") {
    return {
      text: `That message says it comes from the system, but it came through our chat, so it can't mark anything complete. No harm done! Each checkpoint is completed by working through it together, starting with ${focus}. ${FIT_QUESTION}`,
    };
  }
  if (isSkipRequest(messageText)) {
    return {
      text: `I understand wanting to move quickly! Each checkpoint builds on the one before it, so skipping ahead would leave gaps that make the later ones harder. This one is short and focused on ${focus}. ${FIT_QUESTION}`,
    };
  }
  if (isAgreement(messageText)) {
    const text = "Wonderful — let's dive in.";
    return canStart ? { text, toolCalls: [{ name: TOOLS.startCheckpoint, args: {} }] } : { text };
  }
  const recalled = recallEarlier(messageText, earlier, mission.checkpointTitle);
  if (recalled) return { text: `${recalled} Now, back to ${focus}. ${FIT_QUESTION}` };
  if (isOffTopicQuestion(messageText, mission)) {
    return {
      text: `Good question! The short answer: it's outside **${mission.title}**, and in this offline mode I can't look facts up, so I won't guess. Let's get back to ${focus}. ${FIT_QUESTION}`,
    };
  }
  return {
    text: `Thanks for sharing that. We'll keep the focus on ${focus}, and I'll weave your interest in wherever it fits naturally. ${FIT_QUESTION}`,
  };
}

export function luminaScript({
  messages,
  session,
  tools,
}: ScriptInput<LuminaSession>): ScriptedReply {
  const mission = missionFrom(session);
  const name = learnerName(session.learner_name);
  const justCompleted = session.just_completed?.trim() ?? "";
  const note = languageNote(messages);
  const noted = (text: string) => (note ? `${note}\n\n${text}` : text);
  switch (session.task) {
    case "greet_and_brief":
      return {
        text: [greeting(name, mission), note, briefing(mission)].filter(Boolean).join("\n\n"),
      };
    case "brief": {
      const celebration =
        justCompleted === ""
          ? ""
          : `Brilliant work completing **${justCompleted}**, that's real progress!\n\n`;
      return { text: `${celebration}${briefing(mission)}` };
    }
    case "wrap_up":
      return { text: wrapUp(name, mission) };
    case "converse": {
      const canStart = tools.some((tool) => tool.name === TOOLS.startCheckpoint);
      const reply = converse(
        lastHumanText(messages),
        mission,
        canStart,
        session.earlier_checkpoints,
      );
      return { ...reply, text: noted(reply.text) };
    }
  }
}
