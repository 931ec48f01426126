import { isDeepStrictEqual } from "node:util";
import { MissionDraftSchema, progressPercent } from "../../domain/index.js";
import type { StateExpectations } from "../runner/case-schema.js";
import { describeRule, matches } from "../runner/matchers.js";
import { isServerFrame, type Frame } from "../runner/frame-log.js";
import type { CaseTrace } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

type Scored = Pick<CaseTrace, "frames" | "stored" | "checkpoints" | "steps">;

const serverFrames = (trace: Scored, type: string): Frame[] =>
  trace.frames.flatMap((e) => (isServerFrame(e) && e.frame.type === type ? [e.frame] : []));

const show = (value: unknown) => JSON.stringify(value);

/** `goal.level` reads `state.goal.level`; anything missing reads as null. */
function valueAt(state: Record<string, unknown>, path: string): unknown {
  let value: unknown = state;
  for (const key of path.split(".")) {
    value =
      value !== null && typeof value === "object"
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value ?? null;
}

function missionFailures(trace: Scored, expected: boolean): string[] {
  const created = serverFrames(trace, "mission_created")[0];
  if (!expected) {
    return created || trace.stored.mission ? ["a mission was created, but none was expected"] : [];
  }
  if (!created) return ["no mission_created frame: no mission was created"];
  const mission = created.mission as Record<string, unknown> | undefined;
  const parsed = MissionDraftSchema.safeParse(mission);
  const failures = parsed.success
    ? []
    : parsed.error.issues.map(
        (i) => `the mission breaks its schema at ${i.path.join(".")}: ${i.message}`,
      );
  if (trace.stored.mission?.id !== mission?.id) {
    failures.push("the mission in mission_created is not the one stored");
  }
  return failures;
}

function orderFailures(trace: Scored): string[] {
  const checkpoints = trace.checkpoints ?? [];
  const failures: string[] = [];
  let previous: number | undefined;
  serverFrames(trace, "checkpoint_update").forEach((update, index) => {
    const completed = (update.completed_checkpoints as string[] | undefined) ?? [];
    const where = `checkpoint_update ${index + 1}`;
    if (!isDeepStrictEqual(completed, checkpoints.slice(0, completed.length))) {
      failures.push(
        `${where} completes ${show(completed)}, not the mission's first ${completed.length} checkpoints`,
      );
    }
    if (previous !== undefined && completed.length !== previous + 1) {
      failures.push(`${where} goes from ${previous} to ${completed.length} completed checkpoints`);
    }
    const expected = progressPercent(completed.length, checkpoints.length);
    if (update.progress !== expected) {
      failures.push(
        `${where} says progress ${show(update.progress)}, but ${completed.length}/${checkpoints.length} is ${expected}`,
      );
    }
    previous = completed.length;
  });
  const stored = trace.stored.enrollment?.completed_checkpoints ?? [];
  if (!isDeepStrictEqual(stored, checkpoints.slice(0, stored.length))) {
    failures.push(`the stored enrollment completed ${show(stored)}, out of order`);
  }
  return failures;
}

/** The conversation's outcome: the mission, checkpoint order, progress, closing, graph state. */
export function scoreState(expected: StateExpectations, trace: Scored): CheckResult {
  const failures: string[] = [];
  if (expected.mission_valid !== undefined) {
    failures.push(...missionFailures(trace, expected.mission_valid));
  }
  if (expected.checkpoints_in_order) failures.push(...orderFailures(trace));
  if (expected.progress) {
    const progress = serverFrames(trace, "checkpoint_update").map((f) => f.progress);
    if (!isDeepStrictEqual(progress, expected.progress)) {
      failures.push(`progress went ${show(progress)}, expected ${show(expected.progress)}`);
    }
  }
  if (expected.completed_checkpoints !== undefined) {
    const stored = trace.stored.enrollment?.completed_checkpoints.length ?? 0;
    if (stored !== expected.completed_checkpoints) {
      failures.push(
        `the enrollment has ${stored} completed checkpoints, expected ${expected.completed_checkpoints}`,
      );
    }
  }
  if (expected.session_closed !== undefined) {
    const closed = serverFrames(trace, "session_closed").length > 0;
    if (closed !== expected.session_closed) {
      failures.push(expected.session_closed ? "no session_closed frame" : "the session was closed");
    }
  }
  const final = trace.steps.at(-1)?.state ?? {};
  for (const [path, rule] of Object.entries(expected.values ?? {})) {
    const actual = valueAt(final, path);
    if (!matches(rule, actual)) {
      failures.push(`state ${path} is ${show(actual)}, expected ${describeRule(rule)}`);
    }
  }
  return verdict("state", failures);
}
