import { z } from "zod";
import { NOT_AN_ANSWER } from "./answers.js";

// An assessment is a comprehension question the teacher opened, and what became of it. The
// current checkpoint's assessments live in the Ally's graph state; when the checkpoint is
// completed, their answers move into its evidence, the short record of the checkpoints done.

/** The teacher's verdict on a substantive answer. */
export const VERDICTS = ["understood", "not_yet"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the teacher says about an answer: a verdict, or that it was no answer after all. */
export const AnswerVerdictSchema = z.object({
  verdict: z
    .enum([...VERDICTS, "not_an_answer"])
    .describe(
      "understood: the answer shows the learner grasped the idea; not_yet: it is an answer, but wrong or incomplete; not_an_answer: it does not try to answer the question",
    ),
  reason: z
    .string()
    .describe("One short sentence for the teacher's notes: what the answer got right or missed"),
});
export type AnswerVerdict = z.infer<typeof AnswerVerdictSchema>;

/** Why a reply did not close the question: the server's rules, or the teacher's verdict. */
export const NotAnswerReasonSchema = z.enum([...NOT_AN_ANSWER, "judged_not_an_answer"]);
export type NotAnswerReason = z.infer<typeof NotAnswerReasonSchema>;

/** Replies kept per question that did not count; only the latest ones. */
export const MAX_NOT_ANSWERS = 3;

export const AssessmentSchema = z.object({
  /** The checkpoint's position in the mission. */
  checkpoint: z.number().int().min(0),
  question: z.string(),
  asked_at: z.string(),
  /** Open until a substantive answer closes it. */
  status: z.enum(["open", "closed"]),
  answer: z.string().nullable(),
  answered_at: z.string().nullable(),
  verdict: z.enum(VERDICTS).nullable(),
  verdict_reason: z.string().nullable(),
  /** The latest replies that did not count as an answer, and why. */
  not_answers: z
    .array(z.object({ text: z.string(), reason: NotAnswerReasonSchema }))
    .max(MAX_NOT_ANSWERS),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

/** A completed checkpoint and the learner's own answers that earned it. */
export const CheckpointEvidenceSchema = z.object({
  checkpoint: z.number().int().min(0),
  title: z.string(),
  completed_at: z.string(),
  answers: z.array(
    z.object({
      question: z.string(),
      answer: z.string(),
      verdict: z.enum(VERDICTS),
      answered_at: z.string(),
    }),
  ),
});
export type CheckpointEvidence = z.infer<typeof CheckpointEvidenceSchema>;

/** How the server read the learner's latest message while a checkpoint is taught. */
export const LearnerReplySchema = z.discriminatedUnion("kind", [
  /** It closed the open question. */
  z.object({ kind: z.literal("answer") }),
  /** A question was open, and this did not answer it. */
  z.object({ kind: z.literal("not_an_answer"), reason: NotAnswerReasonSchema }),
  /** No question was open. */
  z.object({ kind: z.literal("no_open_question") }),
]);
export type LearnerReply = z.infer<typeof LearnerReplySchema>;

export const openAssessment = (assessments: readonly Assessment[]) =>
  assessments.find((a) => a.status === "open");

/** A reply that did not count, kept on the open question with the latest few. */
export function withNotAnswer(
  assessment: Assessment,
  text: string,
  reason: NotAnswerReason,
): Assessment {
  const not_answers = [...assessment.not_answers, { text, reason }].slice(-MAX_NOT_ANSWERS);
  return { ...assessment, not_answers };
}

/**
 * Why the checkpoint's assessments do not yet allow completing it, or undefined when they do:
 * at least one question answered, none left open, and the latest answer understood.
 */
export function assessmentRefusal(assessments: readonly Assessment[]): string | undefined {
  const closed = assessments.filter((a) => a.status === "closed");
  if (closed.length === 0) {
    return "the learner has not answered a comprehension question in this checkpoint yet";
  }
  const open = openAssessment(assessments);
  if (open) return `the learner has not answered your open question yet ("${open.question}")`;
  if (closed.at(-1)?.verdict !== "understood") {
    return "the learner's latest answer was not yet right; teach it again and ask a new question";
  }
  return undefined;
}

/** The evidence a completion records: every answered question of the checkpoint. */
export function evidenceOf(
  assessments: readonly Assessment[],
  checkpoint: { position: number; title: string; completedAt: string },
): CheckpointEvidence {
  return {
    checkpoint: checkpoint.position,
    title: checkpoint.title,
    completed_at: checkpoint.completedAt,
    answers: assessments.flatMap((a) =>
      a.status === "closed" && a.answer !== null && a.verdict !== null
        ? [
            {
              question: a.question,
              answer: a.answer,
              verdict: a.verdict,
              answered_at: a.answered_at ?? checkpoint.completedAt,
            },
          ]
        : [],
    ),
  };
}
