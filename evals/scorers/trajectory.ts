import type { ExpectedStep, MatchMode } from "../runner/case-schema.js";
import { describeRule, matches as fitsRule } from "../runner/matchers.js";
import { itemLabel, type TrajectoryItem } from "../runner/trace.js";
import { verdict, type CheckResult } from "./check.js";

/** Every argument the step expects matches its rule (a value or a matcher); the call may have more. */
function argsMatch(expected: Record<string, unknown> | undefined, actual: TrajectoryItem): boolean {
  if (!expected) return true;
  return Object.entries(expected).every(([key, rule]) => fitsRule(rule, actual.args?.[key]));
}

const matches = (expected: ExpectedStep, actual: TrajectoryItem) =>
  expected.kind === actual.kind &&
  expected.name === actual.name &&
  argsMatch(expected.args, actual);

const label = (step: ExpectedStep) =>
  step.args
    ? `${itemLabel(step)} {${Object.entries(step.args)
        .map(([key, rule]) => `${key} ${describeRule(rule)}`)
        .join(", ")}}`
    : itemLabel(step);

/**
 * Pairs each expected step with an unused actual item it matches. Steps that pin arguments go
 * first, so a step without arguments cannot take the one call they needed.
 */
function pair(expected: ExpectedStep[], actual: TrajectoryItem[]) {
  const used = new Set<number>();
  const missing: ExpectedStep[] = [];
  const pinnedFirst = [...expected].sort((a, b) => Number(!a.args) - Number(!b.args));
  for (const step of pinnedFirst) {
    const found = actual.findIndex((item, index) => !used.has(index) && matches(step, item));
    if (found === -1) missing.push(step);
    else used.add(found);
  }
  const extra = actual.filter((_, index) => !used.has(index));
  return { missing, extra };
}

function strictFailures(expected: ExpectedStep[], actual: TrajectoryItem[]): string[] {
  const at = expected.findIndex((step, index) => !actual[index] || !matches(step, actual[index]));
  if (at === -1 && actual.length === expected.length) return [];
  const first = at === -1 ? expected.length : at;
  const got = actual[first];
  const wanted = expected[first];
  return [
    `differs at step ${first + 1}: expected ${wanted ? label(wanted) : "the end"}, got ${got ? itemLabel(got) : "the end"}`,
    `expected: ${expected.map(label).join(", ") || "(nothing)"}`,
    `actual:   ${actual.map(itemLabel).join(", ") || "(nothing)"}`,
  ];
}

/**
 * The conversation's handovers and tool calls against the expected ones. `strict`: the same steps
 * in the same order. `unordered`: the same steps in any order. `subset`: every actual step is an
 * expected one (nothing unexpected happened). `superset`: every expected step happened (other
 * steps may too). Steps repeat as often as they are listed; expected tool arguments need only be
 * present in the call.
 */
export function scoreTrajectory(
  expected: ExpectedStep[],
  mode: MatchMode,
  actual: TrajectoryItem[],
): CheckResult {
  if (mode === "strict") return verdict("trajectory", strictFailures(expected, actual));
  const { missing, extra } = pair(expected, actual);
  return verdict("trajectory", [
    ...(mode === "subset" ? [] : missing.map((step) => `missing: ${label(step)}`)),
    ...(mode === "superset" ? [] : extra.map((item) => `unexpected: ${itemLabel(item)}`)),
  ]);
}
