import { z } from "zod";
import { LevelSchema, MissionDraftSchema } from "../../domain/index.js";
import { ValueRuleSchema, type ValueRule } from "./matchers.js";

// One recorded conversation: who it is with, where it starts, what the learner says, and what
// must (and must not) happen. `evals/README.md` documents every field.

const name = z.string().regex(/^[a-z_]+$/, "lowercase letters and underscores");

export interface ExpectedStep {
  kind: "tool" | "handover";
  name: string;
  /** Arguments the tool call must have, each a value or a matcher (it may have more). */
  args?: Record<string, ValueRule>;
}

/**
 * A broken rule inside an option that otherwise fits (a bad regular expression), which a union's
 * own message would hide.
 */
function ruleIssue(issue: { code?: string; errors?: unknown }): string | undefined {
  if (issue.code !== "invalid_union" || !Array.isArray(issue.errors)) return undefined;
  const inner = (issue.errors as { code: string; path: PropertyKey[]; message: string }[][])
    .flat()
    .find((i) => i.code === "custom");
  return inner && `${inner.path.map(String).join(".")}: ${inner.message}`;
}

/** `"tool:<name>"` or `"handover:<agent>"`, or the object form, which can pin tool arguments. */
export const ExpectedStep = z.union(
  [
    z
      .string()
      .regex(/^(tool|handover):[a-z_]+$/, 'write "tool:<name>" or "handover:<agent>"')
      .transform((text): ExpectedStep => {
        const [kind, value] = text.split(":") as ["tool" | "handover", string];
        return { kind, name: value };
      }),
    z
      .object({ tool: name, args: z.record(z.string(), ValueRuleSchema).optional() })
      .strict()
      .transform(({ tool, args }): ExpectedStep => ({ kind: "tool", name: tool, args })),
    z
      .object({ handover: name })
      .strict()
      .transform(({ handover }): ExpectedStep => ({ kind: "handover", name: handover })),
  ],
  {
    error: (issue) =>
      ruleIssue(issue) ??
      'a step is "tool:<name>", "handover:<agent>", {"tool": <name>, "args": {…}} or {"handover": <agent>}',
  },
);

const MATCH_MODES = ["strict", "unordered", "subset", "superset"] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

const regex = z.string().refine((source) => {
  try {
    new RegExp(source, "i");
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

/** Something that must never happen in the conversation. */
export const Forbidden = z.union(
  [
    z.object({ frame: z.string().min(1) }).strict(),
    z.object({ tool: name }).strict(),
    z.object({ handover: name }).strict(),
    z.object({ says: regex, agent: name.optional() }).strict(),
  ],
  {
    error: (issue) =>
      ruleIssue(issue) ??
      'a forbidden event is {"frame": <type>}, {"tool": <name>}, {"handover": <agent>} or {"says": <regex>, "agent"?: <agent>}',
  },
);
export type Forbidden = z.infer<typeof Forbidden>;

export const StateExpectations = z
  .object({
    /** Commander: a mission was created and it satisfies the product's mission schema. */
    mission_valid: z.boolean().optional(),
    /** Ally: checkpoints were completed one at a time, in the mission's order. */
    checkpoints_in_order: z.literal(true).optional(),
    /** Ally: the `progress` of every `checkpoint_update`, in order. */
    progress: z.array(z.number().min(0).max(100)).optional(),
    /** Ally: how many checkpoints the stored enrollment has completed at the end. */
    completed_checkpoints: z.number().int().min(0).optional(),
    session_closed: z.boolean().optional(),
    /**
     * The thread's final graph state: `phase`, `active_agent`, or a dotted path like `goal.level`,
     * each a value or a matcher.
     */
    values: z.record(z.string(), ValueRuleSchema).optional(),
  })
  .strict();
export type StateExpectations = z.infer<typeof StateExpectations>;

/** The nodes each learner message ran, in the manner of agentevals' graph trajectory match. */
export const NodeExpectations = z
  .object({
    match: z.enum(MATCH_MODES).default("strict"),
    /** One entry per learner message, in order; null accepts any path for that message. */
    turns: z.array(z.array(z.string().min(1)).nullable()).min(1),
  })
  .strict();
export type NodeExpectations = z.infer<typeof NodeExpectations>;

/** Something an agent must say: in a learner message's reply, by an agent, matching `text`. */
export const ReplyExpectation = z
  .object({
    /** The learner message (counted from 1, simulated ones included) whose reply is meant. */
    turn: z.number().int().min(1).optional(),
    agent: name.optional(),
    text: ValueRuleSchema,
  })
  .strict();
export type ReplyExpectation = z.infer<typeof ReplyExpectation>;

const Expectations = z
  .object({
    trajectory: z
      .object({ match: z.enum(MATCH_MODES).default("strict"), steps: z.array(ExpectedStep) })
      .strict()
      .optional(),
    nodes: NodeExpectations.optional(),
    replies: z.array(ReplyExpectation).default([]),
    state: StateExpectations.optional(),
    forbidden: z.array(Forbidden).default([]),
    judge: z
      .object({ rubric: z.string().min(1), min_score: z.number().int().min(1).max(5).default(4) })
      .strict()
      .optional(),
  })
  .strict();

/** The simulated learner's turns: it answers what the tutor says until a frame arrives. */
export const Simulation = z
  .object({
    /** Stop once a frame of this type arrived (`checkpoint_update`, `mission_created`, …). */
    until: z.string().min(1).optional(),
    max_turns: z.number().int().min(1).max(60).default(20),
  })
  .strict();
export type Simulation = z.infer<typeof Simulation>;

export const Step = z.union(
  [
    z.object({ user: z.string().min(1) }).strict(),
    z.object({ reconnect: z.literal(true) }).strict(),
    z.object({ simulate: Simulation }).strict(),
  ],
  { error: 'a turn is {"user": <text>}, {"reconnect": true} or {"simulate": {…}}' },
);
export type Step = z.infer<typeof Step>;

/** Who the simulated learner is: what they want, and how they answer. */
export const Persona = z
  .object({
    /** In the learner's words, for the LLM learner: "analyse my shop's sales in Python". */
    goal: z.string().min(1),
    topic: z.string().min(1),
    outcome: z.string().min(1),
    level: LevelSchema.default("Beginner"),
    /**
     * How the scripted learner answers (the LLM learner reads it as text): unsure_first says
     * "I'm not sure" before answering each question; asks_off_topic asks one unrelated question
     * per checkpoint.
     */
    style: z.array(z.enum(["unsure_first", "asks_off_topic"])).default([]),
    /** What the learner says when asked a question: answers in their own words, used in turn. */
    answers: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Persona = z.infer<typeof Persona>;

export const Learner = z
  .object({
    name: z.string().min(1),
    learning_style: z.array(z.string()).default([]),
    persona: Persona.optional(),
  })
  .strict();

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes"),
  description: z.string().optional(),
  tags: z.array(z.string()).default([]),
  turns: z.array(Step).min(1),
  expect: Expectations,
};

const CommanderCase = z
  .object({
    agent: z.literal("commander"),
    ...common,
    seed: z.object({ learner: Learner }).strict(),
    /** `events: "all"` adds processing markers and the curator handover; `stream: "tokens"` deltas. */
    connection: z
      .object({ events: z.literal("all").optional(), stream: z.literal("tokens").optional() })
      .strict()
      .default({}),
  })
  .strict();

const AllyCase = z
  .object({
    agent: z.literal("ally"),
    ...common,
    seed: z
      .object({
        learner: Learner,
        mission: MissionDraftSchema,
        /** Where the learner stands: the first `completed_checkpoints` checkpoints are done. */
        position: z
          .object({ completed_checkpoints: z.number().int().min(0) })
          .strict()
          .default({ completed_checkpoints: 0 }),
      })
      .strict()
      .refine(
        (seed) => seed.position.completed_checkpoints <= seed.mission.byte_size_checkpoints.length,
        { message: "position is past the mission's last checkpoint", path: ["position"] },
      ),
    connection: z
      .object({ stream: z.literal("tokens").optional() })
      .strict()
      .default({}),
  })
  .strict();

export const EvalCase = z.discriminatedUnion("agent", [CommanderCase, AllyCase]);
export type EvalCase = z.output<typeof EvalCase>;
