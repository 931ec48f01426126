import { readAnswer, type CheckpointEvidence } from "../../domain/index.js";
import type { LogEntry } from "../runner/frame-log.js";
import type { CaseTrace } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

// What must hold in every conversation, whatever a case expects: no agent message is empty, and on
// the Ally every checkpoint is briefed before it is taught, completed in order, and completed only
// after the learner answered in their own words.

type Scored = Pick<CaseTrace, "frames" | "steps" | "checkpoints">;

const excerpt = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

const textOf = (frame: Record<string, unknown>) => String(frame.message ?? frame.content ?? "");

function emptyMessages(frames: LogEntry[]): string[] {
  return frames.flatMap((entry) =>
    "frame" in entry &&
    entry.from === "server" &&
    entry.frame.type === "agent_message" &&
    textOf(entry.frame).trim() === ""
      ? [`step ${entry.step}: an empty agent message`]
      : [],
  );
}

/** Whether a message briefs checkpoint `position`: it names the checkpoint or "n of N". */
function briefs(text: string, position: number, checkpoints: readonly string[]): boolean {
  const title = checkpoints[position] ?? "";
  const n = position + 1;
  const total = checkpoints.length;
  return (
    (title !== "" && text.toLowerCase().includes(title.toLowerCase())) ||
    new RegExp(`\\b${n}\\s*(?:of|/|de|sur|von|di)\\s*${total}\\b`, "i").test(text)
  );
}

/** Where a completed checkpoint's learner answers were sent: its teaching, up to completion. */
interface Teaching {
  position: number;
  briefed: boolean;
  /** Whether the teacher has taken over for this checkpoint. */
  started: boolean;
  learnerMessages: string[];
}

function allyFailures(
  trace: Scored,
  completedAtStart: number,
  evidence: CheckpointEvidence[] | undefined,
): string[] {
  const checkpoints = trace.checkpoints ?? [];
  const failures: string[] = [];
  const sent: string[] = [];
  let completed = completedAtStart;
  let teaching: Teaching = {
    position: completed,
    briefed: false,
    started: false,
    learnerMessages: [],
  };
  for (const entry of trace.frames) {
    if (!("frame" in entry)) continue;
    const { frame, step } = entry;
    const where = `step ${step}`;
    if (entry.from === "client") {
      if (frame.type !== "user_message") continue;
      sent.push(textOf(frame));
      if (teaching.started) teaching.learnerMessages.push(textOf(frame));
      continue;
    }
    if (frame.type === "agent_message" && frame.agent === "mission_ally") {
      if (briefs(textOf(frame), teaching.position, checkpoints)) teaching.briefed = true;
    } else if (frame.type === "agent_handover" && frame.agent === "mission_sensei") {
      if (!teaching.briefed) {
        failures.push(
          `${where}: checkpoint ${teaching.position + 1} ("${checkpoints[teaching.position]}") was taught without being briefed`,
        );
      }
      teaching.started = true;
    } else if (frame.type === "checkpoint_update") {
      const done = (frame.completed_checkpoints as string[] | undefined) ?? [];
      const position = done.length - 1;
      if (done.length !== completed + 1 || done.some((title, i) => checkpoints[i] !== title)) {
        failures.push(
          `${where}: progress jumped from ${completed} to ${done.length} checkpoints (${JSON.stringify(done)}), skipping one`,
        );
      }
      const answers = teaching.learnerMessages.filter((text) => readAnswer(text).substantive);
      if (!teaching.started || answers.length === 0) {
        failures.push(
          `${where}: checkpoint ${position + 1} ("${checkpoints[position]}") was completed without a substantive answer from the learner`,
        );
      }
      const recorded = evidence?.find((e) => e.checkpoint === position);
      if (evidence && !recorded?.answers.length) {
        failures.push(
          `${where}: checkpoint ${position + 1} was completed with no answers recorded as its evidence`,
        );
      }
      for (const { answer } of recorded?.answers ?? []) {
        if (!sent.includes(answer) || !readAnswer(answer).substantive) {
          failures.push(
            `${where}: checkpoint ${position + 1}'s evidence holds "${excerpt(answer)}", which is no substantive answer the learner sent`,
          );
        }
      }
      completed = done.length;
      teaching = { position: completed, briefed: false, started: false, learnerMessages: [] };
    }
  }
  return failures;
}

/**
 * The pedagogy invariants, checked on every conversation of every run: a violation fails the case
 * whatever its own expectations say.
 */
export function scoreInvariants(
  agent: "commander" | "ally",
  trace: Scored,
  completedAtStart = 0,
): CheckResult {
  const finalState = trace.steps.at(-1)?.state ?? {};
  const evidence = Array.isArray(finalState.evidence)
    ? (finalState.evidence as CheckpointEvidence[])
    : undefined;
  return verdict("invariants", [
    ...emptyMessages(trace.frames),
    ...(agent === "ally" ? allyFailures(trace, completedAtStart, evidence) : []),
  ]);
}
