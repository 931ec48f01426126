import { z } from "zod";
import { LevelSchema, type AgentName } from "../domain/index.js";
import { withUsageTally } from "./models/usage-tally.js";

// What each agent is told about the session for one model call. The node builds it from the graph
// state and the run-time context, renders the agent's prompt from it, and hands it to the model as
// the call's run-time context: Gemini reads it in the prompt, the offline tutor reads it here.

/** Polaris: whom it is interviewing. */
export const PolarisSession = z.object({ learner_name: z.string() });

/** The curator: the goal the learner confirmed. */
export const CuratorSession = z.object({
  topic: z.string(),
  level: LevelSchema,
  outcome: z.string(),
});

/** Where the learner stands in the mission, as both Ally agents see it. */
const checkpointFields = {
  learner_name: z.string(),
  learning_style: z.array(z.string()),
  mission_title: z.string(),
  /** The current checkpoint, counted from 1. */
  checkpoint_number: z.number().int().min(1),
  checkpoint_total: z.number().int().min(1),
  checkpoint_title: z.string(),
};

export const LuminaTask = z.enum(["greet_and_brief", "brief", "converse", "wrap_up"]);
export type LuminaTask = z.infer<typeof LuminaTask>;

/**
 * The record of the completed checkpoints, whose dialogue the agents no longer see: each one's
 * number and title with the learner's latest answers there, joined by " | "; "none" before the
 * first is completed.
 */
const earlierCheckpoints = z.string().default("none");

/** Lumina: what to do this turn, and the checkpoints done so far. */
export const LuminaSession = z.object({
  task: LuminaTask,
  ...checkpointFields,
  completed_checkpoints: z.array(z.string()),
  earlier_checkpoints: earlierCheckpoints,
  /** The checkpoint completed in this turn, if any. */
  just_completed: z.string().nullable(),
});

/**
 * mission_sensei teaching: the learner's level, how far into the checkpoint they are, the question
 * waiting for an answer, and how the server read the learner's latest message.
 */
export const SenseiTeachSession = z.object({
  task: z.literal("teach"),
  ...checkpointFields,
  learner_level: LevelSchema,
  /** Learner messages since teaching of the current checkpoint began. */
  learner_turns_in_checkpoint: z.number().int().min(0),
  /** The comprehension question waiting for an answer. */
  open_question: z.string().nullable(),
  /** How the server read the learner's latest message: "answered your question", or why not. */
  learner_reply: z.string(),
  /** The verdict on the answer the learner just gave, with its reason; "none" when none. */
  latest_verdict: z.string(),
  /** Questions of this checkpoint the learner has answered. */
  questions_answered: z.number().int().min(0),
  /** Whether completing the checkpoint would be accepted now, or why not. */
  completion: z.string(),
  earlier_checkpoints: earlierCheckpoints,
});

/** mission_sensei judging an answer: the checkpoint, and the question the answer is to. */
export const SenseiCheckSession = z.object({
  task: z.literal("check_answer"),
  ...checkpointFields,
  learner_level: LevelSchema,
  question: z.string(),
});

export const SenseiSession = z.discriminatedUnion("task", [SenseiTeachSession, SenseiCheckSession]);

export const SESSIONS = {
  polaris: PolarisSession,
  mission_curator: CuratorSession,
  mission_ally: LuminaSession,
  mission_sensei: SenseiSession,
} as const satisfies Record<AgentName, z.ZodType<object>>;

export type AgentSession<A extends AgentName> = z.infer<(typeof SESSIONS)[A]>;

const NONE = "none";
const LIST_SEPARATOR = " | ";

/** A session as its prompt shows it: lists joined by " | ", an empty list or no value as "none". */
export function promptValues(session: object): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(session).map(([key, value]: [string, unknown]) => [
      key,
      Array.isArray(value)
        ? value.length > 0
          ? value.join(LIST_SEPARATOR)
          : NONE
        : typeof value === "number"
          ? value
          : value === null || value === undefined
            ? NONE
            : String(value),
    ]),
  );
}

/**
 * A model call's config that carries `session` as the call's run-time context, and reports the
 * call's token usage to the run's tally.
 */
export function withSession<C extends object>(config: C, session: object): C & { context: object } {
  return { ...withUsageTally(config), context: session };
}

/** The session a model call for `agent` carries, or a clear error when it carries none. */
export function sessionOf<A extends AgentName>(
  agent: A,
  options: { context?: unknown },
): AgentSession<A> {
  const parsed = SESSIONS[agent].safeParse(options.context);
  if (parsed.success) return parsed.data as AgentSession<A>;
  throw new Error(
    `A ${agent} model call needs its session as the call's context: ${parsed.error.issues
      .map((issue) => issue.path.join(".") || "session")
      .join(", ")}`,
  );
}
