import {
  NOT_AN_ANSWER_MEANING,
  assessmentRefusal,
  openAssessment,
  type AllyContext,
  type Assessment,
  type LearnerReply,
} from "../../domain/index.js";
import type { AgentSession, LuminaTask } from "../agent-sessions.js";
import type { AllyStateValue } from "./state.js";

/** The learner and the checkpoint being briefed or taught, as both Ally agents are told. */
function checkpointFields(state: AllyStateValue, context: AllyContext) {
  const checkpoints = context.mission.byte_size_checkpoints;
  const index = Math.min(state.checkpoint_index, checkpoints.length - 1);
  return {
    learner_name: context.learner.name,
    learning_style: context.learner.learning_style,
    mission_title: context.mission.title,
    checkpoint_number: index + 1,
    checkpoint_total: checkpoints.length,
    checkpoint_title: checkpoints[index] ?? "",
  };
}

export function luminaSession(
  state: AllyStateValue,
  context: AllyContext,
  task: LuminaTask,
): AgentSession<"mission_ally"> {
  return {
    task,
    ...checkpointFields(state, context),
    completed_checkpoints: state.completed_checkpoints,
    earlier_checkpoints: earlierCheckpoints(state),
    just_completed: state.just_completed,
  };
}

/** Answers per completed checkpoint the agents are reminded of, and their length. */
const RECORDED_ANSWERS = 2;
const RECORDED_CHARS = 160;

const clipped = (text: string) => {
  const line = (oneLine(text) ?? "").replaceAll("|", "/");
  return line.length > RECORDED_CHARS ? `${line.slice(0, RECORDED_CHARS - 1)}…` : line;
};

/**
 * The short record of the completed checkpoints, from their evidence: `1. title: asked "…",
 * answered "…"` for each, joined by " | ".
 */
function earlierCheckpoints(state: AllyStateValue): string {
  if (state.evidence.length === 0) return "none";
  return state.evidence
    .map((done) => {
      const answers = done.answers
        .slice(-RECORDED_ANSWERS)
        .map((a) => `asked "${clipped(a.question)}", answered "${clipped(a.answer)}"`);
      const title = `${done.checkpoint + 1}. ${clipped(done.title)}`;
      return answers.length > 0 ? `${title}: ${answers.join("; ")}` : title;
    })
    .join(" | ");
}

/** A reply that did not count, as the teacher is told it. */
function replyText(reply: LearnerReply | null): string {
  if (reply === null) return "none";
  switch (reply.kind) {
    case "answer":
      return "answered your question";
    case "no_open_question":
      return "no question was open";
    case "not_an_answer":
      return `did not answer your question: ${
        reply.reason === "judged_not_an_answer"
          ? "you judged it no answer"
          : NOT_AN_ANSWER_MEANING[reply.reason]
      } (${reply.reason})`;
  }
}

/** The verdict on the answer just given, if the latest message answered a question. */
function latestVerdict(state: AllyStateValue): string {
  if (state.last_reply?.kind !== "answer") return "none";
  const answered = state.assessments.findLast((a) => a.status === "closed");
  if (!answered?.verdict) return "none";
  return `${answered.verdict}: ${answered.verdict_reason ?? ""}`.trim();
}

const currentAssessments = (state: AllyStateValue): Assessment[] =>
  state.assessments.filter((a) => a.checkpoint === state.checkpoint_index);

export function senseiSession(
  state: AllyStateValue,
  context: AllyContext,
): AgentSession<"mission_sensei"> & { task: "teach" } {
  const assessments = currentAssessments(state);
  const refusal = assessmentRefusal(assessments);
  return {
    task: "teach",
    ...checkpointFields(state, context),
    learner_level: context.mission.level,
    learner_turns_in_checkpoint: state.learner_turns_in_checkpoint,
    open_question: oneLine(openAssessment(assessments)?.question) ?? null,
    learner_reply: replyText(state.last_reply),
    latest_verdict: oneLine(latestVerdict(state)) ?? "none",
    questions_answered: assessments.filter((a) => a.status === "closed").length,
    completion: refusal ? `not yet: ${refusal}` : "allowed",
    earlier_checkpoints: earlierCheckpoints(state),
  };
}

/** The teacher judging `assessment`'s answer. */
export function checkSession(
  state: AllyStateValue,
  context: AllyContext,
  assessment: Assessment,
): AgentSession<"mission_sensei"> & { task: "check_answer" } {
  return {
    task: "check_answer",
    ...checkpointFields(state, context),
    learner_level: context.mission.level,
    question: oneLine(assessment.question) ?? "",
  };
}

/** A prompt's session lines hold one line each. */
function oneLine(text: string | undefined): string | undefined {
  return text?.replace(/\s+/g, " ").trim();
}
