import type { Miss } from "../gemini-replay/index.js";
import type { LogEntry } from "./frame-log.js";

/** A handover or a tool call, as the trajectory scorer compares them. */
export interface TrajectoryItem {
  kind: "tool" | "handover";
  /** The tool, or the agent control passed to. */
  name: string;
  /** Tool calls: the arguments the model gave. */
  args?: Record<string, unknown>;
  /** Tool calls: what the tool answered ("Checkpoint 1 complete.", "Refused: …"). */
  result?: string;
  /** The agent that made the call, or that took over. */
  agent?: string;
  /** The trace step it happened in. */
  step: number;
}

export const itemLabel = (item: { kind: string; name: string }) => `${item.kind}:${item.name}`;

export type ThreadValues = Record<string, unknown>;

export interface StepTrace {
  index: number;
  /**
   * The opening connection, or what the learner did: a message (the case's, or one the simulated
   * learner wrote) or a reconnect.
   */
  input: { connect: true } | { user: string; simulated?: true } | { reconnect: true };
  /** The nodes the turn ran, as the graph drawings name them; empty if it left no path. */
  path: string[];
  trajectory: TrajectoryItem[];
  /** The thread's graph state after the step, without its messages. */
  state: ThreadValues;
  /** What changed in that state during the step. */
  state_diff: Record<string, { before: unknown; after: unknown }>;
  /** Why the driver could not complete the step (a timeout, a closed socket). */
  error?: string;
}

/** What the store holds at the end of the case. */
export interface StoredOutcome {
  mission?: Record<string, unknown>;
  enrollment?: {
    progress: number;
    completed_checkpoints: string[];
    completed: boolean;
  };
  /** The Commander or Ally session's status. */
  session_status?: string;
}

/** Everything that happened in one case, for scoring and for the report. */
export interface CaseTrace {
  steps: StepTrace[];
  /** Every frame on every socket of the case, in order. */
  frames: LogEntry[];
  trajectory: TrajectoryItem[];
  /** The mission's checkpoints (Ally cases), for the state checks. */
  checkpoints?: string[];
  stored: StoredOutcome;
  /** Warnings and errors the server logged. */
  server_log: string[];
  /** Replay mode: requests the cassette had no recording for. */
  misses: Miss[];
}
