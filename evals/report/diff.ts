import { z } from "zod";
import { CHECK_NAMES, type CheckName } from "../scorers/check.js";
import {
  RESULTS_FORMAT,
  type BaselineDiff,
  type CaseChange,
  type CaseDiff,
  type RunResults,
} from "./results.js";

const Status = z.enum(["pass", "fail", "error"]);

/** The part of an earlier results.json that a comparison reads. */
export const BaselineResults = z.object({
  format: z.literal(RESULTS_FORMAT),
  run: z.object({
    id: z.string(),
    model: z.string(),
    prompts: z.record(z.string(), z.string()),
  }),
  cases: z.array(
    z.object({
      id: z.string(),
      content_hash: z.string().optional(),
      status: Status,
      trajectory: z.array(z.string()),
      checks: z.array(
        z.object({
          name: z.enum(CHECK_NAMES),
          status: z.enum(["pass", "fail", "skipped"]),
          score: z.number().optional(),
        }),
      ),
    }),
  ),
});
export type BaselineResults = z.infer<typeof BaselineResults>;

type Comparable = BaselineResults["cases"][number];

function changeOf(before: Comparable["status"], after: Comparable["status"]): CaseChange {
  const [was, is] = [before === "pass", after === "pass"];
  if (was && is) return "still_passing";
  if (was) return "regressed";
  return is ? "fixed" : "still_failing";
}

function checksWith(result: Comparable, status: "pass" | "fail"): Set<CheckName> {
  return new Set(result.checks.filter((c) => c.status === status).map((c) => c.name));
}

const judgeScore = (result: Comparable) => result.checks.find((c) => c.name === "judge")?.score;

function compareCase(before: Comparable, after: Comparable): CaseDiff {
  const passedBefore = checksWith(before, "pass");
  const failedBefore = checksWith(before, "fail");
  const [scoreBefore, scoreAfter] = [judgeScore(before), judgeScore(after)];
  return {
    id: after.id,
    change: changeOf(before.status, after.status),
    before: before.status,
    after: after.status,
    trajectory_changed: JSON.stringify(before.trajectory) !== JSON.stringify(after.trajectory),
    trajectory_before: before.trajectory,
    trajectory_after: after.trajectory,
    newly_failing: [...checksWith(after, "fail")].filter((name) => passedBefore.has(name)),
    newly_passing: [...checksWith(after, "pass")].filter((name) => failedBefore.has(name)),
    ...(scoreBefore !== undefined && scoreAfter !== undefined
      ? { judge_delta: scoreAfter - scoreBefore }
      : {}),
  };
}

function changedPrompts(before: Record<string, string>, after: Record<string, string>): string[] {
  const files = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...files].filter((file) => before[file] !== after[file]).sort();
}

/** A case that says something else now: its outcome is shown, not counted as a flip. */
function edited(before: Comparable, after: Comparable): CaseDiff {
  return { ...compareCase(before, after), change: "edited", newly_failing: [], newly_passing: [] };
}

/**
 * The baseline case a result is compared with: the one with the same content (under any id),
 * else the one with the same id; and whether that one was edited since.
 */
function counterpart(
  result: RunResults["cases"][number],
  byHash: Map<string, Comparable>,
  byId: Map<string, Comparable>,
): { before: Comparable; edited: boolean } | undefined {
  const same = result.content_hash ? byHash.get(result.content_hash) : undefined;
  if (same) return { before: same, edited: false };
  const before = byId.get(result.id);
  if (!before) return undefined;
  const changed = !!before.content_hash && !!result.content_hash;
  return { before, edited: changed };
}

/**
 * This run against a baseline, case by case: fixed (failed, now passes), regressed (passed, now
 * fails), edited (the case itself changed, so its result is no flip), and whether the handover
 * and tool sequence changed, with the checks that flipped. Cases are paired by the hash of their
 * content, so a renamed case is still compared with itself.
 */
export function diffRuns(
  baseline: BaselineResults,
  current: RunResults,
  path: string,
): BaselineDiff {
  const byId = new Map(baseline.cases.map((c) => [c.id, c]));
  const byHash = new Map(
    baseline.cases.flatMap((c) => (c.content_hash ? [[c.content_hash, c] as const] : [])),
  );
  const paired = new Set<Comparable>();
  const cases: CaseDiff[] = current.cases.map((result) => {
    const found = counterpart(result, byHash, byId);
    if (!found) {
      return {
        id: result.id,
        change: "new",
        after: result.status,
        trajectory_changed: false,
        newly_failing: [],
        newly_passing: [],
      };
    }
    paired.add(found.before);
    const diff = found.edited ? edited(found.before, result) : compareCase(found.before, result);
    return found.before.id === result.id ? diff : { ...diff, renamed_from: found.before.id };
  });
  // A run limited to some cases (--case) has not removed the others.
  const limited = current.run.only.length > 0;
  for (const before of baseline.cases) {
    if (paired.has(before) || limited) continue;
    cases.push({
      id: before.id,
      change: "removed",
      before: before.status,
      trajectory_changed: false,
      newly_failing: [],
      newly_passing: [],
    });
  }
  const count = (change: CaseChange) => cases.filter((c) => c.change === change).length;
  return {
    path,
    run_id: baseline.run.id,
    model: baseline.run.model,
    prompts_changed: changedPrompts(baseline.run.prompts, current.run.prompts),
    counts: {
      regressed: count("regressed"),
      fixed: count("fixed"),
      trajectory_changed: cases.filter((c) => c.trajectory_changed).length,
      edited: count("edited"),
      new: count("new"),
      removed: count("removed"),
    },
    cases,
  };
}

/** Where two trajectories part, in a line: "from step 3: was tool:x, handover:y; now (end)". */
export function trajectoryChange(before: string[], after: string[]): string {
  let at = 0;
  while (at < before.length && at < after.length && before[at] === after[at]) at += 1;
  const tail = (items: string[]) => {
    const rest = items.slice(at);
    if (rest.length === 0) return "(end)";
    return rest.length > 4
      ? `${rest.slice(0, 4).join(", ")}, … (${rest.length - 4} more)`
      : rest.join(", ");
  };
  return `from step ${at + 1}: was ${tail(before)}; now ${tail(after)}`;
}
