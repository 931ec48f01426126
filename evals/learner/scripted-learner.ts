import { latestFromTutor, type LearnerView, type SimulatedLearner } from "./learner.js";

// A deterministic learner that answers the question the tutor actually asked: it finds the last
// question in the tutor's latest messages and answers from its persona, so a tutor that asks
// one more question, or asks in another order, still gets a sensible reply.

/** The last sentence that asks something, lowercased; "" when the tutor asked nothing. */
function lastQuestion(text: string): string {
  const questions = text.match(/[^.!?\n]*\?/g) ?? [];
  return (questions.at(-1) ?? "").trim().toLowerCase();
}

const asked = (question: string, pattern: RegExp) => pattern.test(question);

function interviewAnswer(view: LearnerView, question: string): string | undefined {
  const { topic, outcome, level } = view.persona;
  if (question === "") return undefined;
  if (
    asked(
      question,
      /\bcapture it|\bis that right|\bsound right|\blook right|\bcorrect\?|\bdid i get/,
    )
  ) {
    return "Yes, that's right";
  }
  if (asked(question, /\bcomfortable|\bfoundations|\bprerequisite|\bbasics first/)) {
    return "Yes, I'm comfortable with those";
  }
  if (
    asked(
      question,
      /\bexperience|\bbeginner|\bintermediate|\badvanced|\blevel\b|\bhow much do you know/,
    )
  ) {
    return `I'd say I'm ${level === "Intermediate" ? "an intermediate" : `a ${level.toLowerCase()}`}`;
  }
  if (
    asked(
      question,
      /\bbe able to|\bachieve|\bgoal\b|\bhoping to do|\buse it for|\bonce you've learned/,
    )
  ) {
    return `I want to ${outcome}`;
  }
  if (asked(question, /\bchange\b/)) return `I want to learn ${topic}`;
  return `I want to learn ${topic} so I can ${outcome}`;
}

const OFF_TOPIC = "Quick question before that: what's the capital of France?";
const UNSURE = "I'm not sure";
const AGREE = "Yes, that fits, let's start";
const CONFIDENT = "I feel confident about it now";
const HELLO = "Hi!";

/** Generic answers in the learner's own words, used when the persona has none left. */
function ownAnswer(topic: string, index: number): string {
  const answers = [
    `In my own words, ${topic} is about taking one small idea at a time and checking the result before moving on.`,
    `I would try a tiny example of ${topic} first, apply one idea to it, and look at what changed.`,
    `The trade-off is between doing it quickly and doing it in a way that is easy to change later.`,
  ];
  return answers[index % answers.length]!;
}

function lessonAnswer(view: LearnerView, question: string): string | undefined {
  const { persona, transcript } = view;
  if (question === "") return undefined;
  if (asked(question, /\bconfident\b/)) return CONFIDENT;
  if (asked(question, /\bfits?\b|\bsounds? good\b|\bready\b|\bshall we\b|\bhoping to learn\b/)) {
    return AGREE;
  }
  const said = transcript.filter((line) => line.speaker === "learner").map((line) => line.text);
  // Each new question gets "I'm not sure" once; the simpler one that follows gets an answer.
  if (persona.style.includes("unsure_first") && said.at(-1) !== UNSURE) return UNSURE;
  const briefings = transcript.filter(
    (line) => line.speaker === "tutor" && /checkpoint \d+ of \d+/i.test(line.text),
  ).length;
  const offTopic = said.filter((text) => text === OFF_TOPIC).length;
  if (persona.style.includes("asks_off_topic") && offTopic < briefings) return OFF_TOPIC;
  const index = said.filter(
    (text) => ![HELLO, UNSURE, OFF_TOPIC, AGREE, CONFIDENT].includes(text),
  ).length;
  return persona.answers[index] ?? ownAnswer(persona.topic, index);
}

export function scriptedLearner(): SimulatedLearner {
  return {
    kind: "scripted",
    async next(view) {
      if (!view.transcript.some((line) => line.speaker === "learner")) return HELLO;
      const question = lastQuestion(latestFromTutor(view.transcript));
      return view.agent === "commander"
        ? interviewAnswer(view, question)
        : lessonAnswer(view, question);
    },
  };
}
