import { END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  AGENTS,
  NODES,
  completedPositions,
  nextCheckpoint,
  openAssessment,
  progressPercent,
  readAllyContext,
  readAnswer,
  titlesAt,
  withNotAnswer,
  type Assessment,
} from "../../domain/index.js";
import { conversationRepairs } from "../conversation-repair.js";
import { dialogueCut } from "../dialogue.js";
import { awaitingVerdict } from "./check-answer.js";
import type { AllyStateUpdate, AllyStateValue } from "./state.js";

/**
 * While teaching, reads the learner's message against the open question: a substantive answer
 * closes it (the teacher gives the verdict next), anything else is kept on it with the reason,
 * and the question stays open.
 */
function readReply(state: AllyStateValue): AllyStateUpdate {
  const text = state.messages.findLast((m) => m.type === "human")?.text ?? "";
  const open = openAssessment(state.assessments);
  if (!open) return { last_reply: { kind: "no_open_question" } };
  const reading = readAnswer(text);
  const replace = (updated: Assessment) => state.assessments.map((a) => (a === open ? updated : a));
  if (!reading.substantive) {
    return {
      assessments: replace(withNotAnswer(open, text, reading.reason)),
      last_reply: { kind: "not_an_answer", reason: reading.reason },
    };
  }
  return {
    assessments: replace({
      ...open,
      status: "closed",
      answer: text,
      answered_at: new Date().toISOString(),
    }),
    last_reply: { kind: "answer" },
  };
}

/**
 * Learner turns of the current checkpoint's dialogue the agents keep: while it is taught, enough
 * for the whole lesson (the teacher follows its concepts through it); around a briefing, the
 * last few, so a learner who chats and never starts cannot grow the state without limit.
 */
export const DIALOGUE_TURNS = { teaching: 24, briefing: 4 } as const;

/**
 * The dialogue kept for this turn: the current checkpoint's, at most its last `DIALOGUE_TURNS`
 * learner turns for the phase. Once a checkpoint is over, its dialogue goes, all but the learner
 * turn that briefed the next one (the learner is answering that briefing now); what the agents
 * need of it stays in `evidence`. A thread stored before the dialogue was bounded (no
 * `dialogue_checkpoint`) keeps its window of the current checkpoint. Damaged messages of an
 * earlier version are repaired.
 */
function boundedDialogue(state: AllyStateValue): AllyStateUpdate {
  const { messages, checkpoint_index, dialogue_checkpoint } = state;
  const moved = dialogue_checkpoint !== null && dialogue_checkpoint !== checkpoint_index;
  const learner = messages.flatMap((m, index) => (m.type === "human" ? [index] : []));
  const turns = state.phase === "teaching" ? DIALOGUE_TURNS.teaching : DIALOGUE_TURNS.briefing;
  const cut = dialogueCut(messages, turns, moved ? (learner.at(-2) ?? 0) : 0);
  const removed = new Set<string | undefined>(cut.map((m) => m.id));
  const repairs = conversationRepairs(messages.filter((m) => !removed.has(m.id)));
  const update: AllyStateUpdate =
    cut.length + repairs.length > 0 ? { messages: [...cut, ...repairs] } : {};
  return dialogue_checkpoint === checkpoint_index
    ? update
    : { ...update, dialogue_checkpoint: checkpoint_index };
}

/**
 * Runs first on every learner turn. Bounds the dialogue (`boundedDialogue`), reads the learner's
 * answers while teaching, and catches the state up with the enrollment if a completion was saved
 * by a turn whose checkpoint was lost.
 */
export function intake(state: AllyStateValue, config: LangGraphRunnableConfig): AllyStateUpdate {
  const { mission, stored_completed_checkpoints: stored } = readAllyContext(config);
  const checkpoints = mission.byte_size_checkpoints;
  const update = boundedDialogue(state);

  const known = completedPositions(checkpoints, state.completed_checkpoints);
  const missing = completedPositions(checkpoints, stored).filter((p) => !known.includes(p));
  if (missing.length > 0 && state.phase !== "done") {
    const positions = [...known, ...missing];
    const next = nextCheckpoint(checkpoints, positions);
    const greeting = state.phase === "greeting";
    const last = missing.at(-1);
    return {
      ...update,
      just_completed: greeting || last === undefined ? null : (checkpoints[last] ?? null),
      completed_checkpoints: titlesAt(checkpoints, positions),
      progress: Math.max(state.progress, progressPercent(positions.length, checkpoints.length)),
      checkpoint_index: next,
      phase: next === checkpoints.length ? "wrap_up" : greeting ? "greeting" : "briefing",
      active_agent: AGENTS.ally,
      learner_turns_in_checkpoint: 0,
      assessments: [],
      last_reply: null,
    };
  }
  if (state.phase !== "teaching") return update;
  return {
    ...update,
    ...readReply(state),
    learner_turns_in_checkpoint: state.learner_turns_in_checkpoint + 1,
  };
}

/**
 * The next learner turn goes to the active agent; an answer the server accepted is judged by the
 * teacher first.
 */
export function routeTurn(state: AllyStateValue) {
  if (state.phase === "done") return END;
  if (state.phase !== "teaching") return NODES.lumina;
  return awaitingVerdict(state.assessments) ? NODES.checkAnswer : NODES.sensei;
}
