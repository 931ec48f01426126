// What a fork returns: the two continuations of a conversation, side by side. The graph pages'
// script imports these types too, so this file imports nothing.

export const FORK_MODELS = ["scripted", "replay", "gemini"] as const;
export type ForkModel = (typeof FORK_MODELS)[number];

/** One turn's continuation: what the learner was told, the path, the tools and the state left. */
export interface ForkSide {
  replies: string[];
  /** The nodes the turn ran, as the drawing names them. */
  path: string[];
  /** `name(args)` for each call, then `→ result` for each result, in order. */
  tools: string[];
  state?: Record<string, unknown>;
}

/** One difference between the original's state and the fork's, at a path like `goal.level`. */
export interface StateChange {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export interface ForkTurn {
  /** Counted from 1 over the whole conversation. */
  turn: number;
  learner: string;
  /** Absent when that side has no such turn. */
  original?: ForkSide;
  fork?: ForkSide;
  differs: { replies: boolean; path: boolean; tools: boolean; state: boolean };
  /** The fork's state against the original's, field by field. */
  state_changes: StateChange[];
}

export interface ForkSettings {
  model: ForkModel;
  temperature?: number;
  /** The prompts the fork ran with: a folder, or the shipped ones. */
  prompts_dir?: string;
  /** Prompt files that differ from the shipped ones. */
  prompts_changed: string[];
}

export interface ForkResult {
  thread: string;
  agent: "commander" | "ally";
  /** The fork keeps turns 1 to `at_turn` and replays the learner's messages after it. */
  at_turn: number;
  settings: ForkSettings;
  /** The scratch thread the fork ran in, in a store of its own that is gone once it is over. */
  scratch_thread: string;
  turns: ForkTurn[];
  /** Error frames the fork's turns were answered with. */
  errors: string[];
  /** The fork as an eval case (one JSONL line of a suite): run it with `npm run eval`. */
  eval_case: Record<string, unknown> & { id: string };
}
