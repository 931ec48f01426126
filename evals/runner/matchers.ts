import { isDeepStrictEqual } from "node:util";
import { z } from "zod";

// What a case expects of a value: the value itself (deep equality), or a matcher object with one
// key: `contains`, `regex`, `not` or `equals`. Text matching is case-insensitive.

const MATCHER_KEYS = ["contains", "regex", "not", "equals"] as const;
type MatcherKey = (typeof MATCHER_KEYS)[number];

export type Matcher =
  { contains: unknown } | { regex: string } | { not: ValueRule } | { equals: unknown };
/** A matcher, or a literal the value must deep-equal. */
export type ValueRule = Matcher | unknown;

function matcherKey(rule: unknown): MatcherKey | undefined {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return undefined;
  const keys = Object.keys(rule);
  return keys.length === 1 && MATCHER_KEYS.includes(keys[0] as MatcherKey)
    ? (keys[0] as MatcherKey)
    : undefined;
}

/** Why `rule` is not a usable rule (a broken regular expression), or undefined. */
export function ruleProblem(rule: unknown): string | undefined {
  const key = matcherKey(rule);
  const inner = key ? (rule as Record<string, unknown>)[key] : undefined;
  if (key === "regex") {
    if (typeof inner !== "string") return "regex takes a string";
    try {
      new RegExp(inner, "i");
    } catch {
      return `not a valid regular expression: ${inner}`;
    }
  }
  if (key === "not") return ruleProblem(inner);
  return undefined;
}

/** A value rule in a case file, checked as it loads. */
export const ValueRuleSchema = z.unknown().superRefine((rule, ctx) => {
  const problem = ruleProblem(rule);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** An element of a list fits a plain object by the keys it gives; anything else by `matches`. */
const fits = (wanted: unknown, item: unknown) =>
  isRecord(wanted) && !matcherKey(wanted) ? containsValue(item, wanted) : matches(wanted, item);

function containsValue(actual: unknown, wanted: unknown): boolean {
  if (typeof actual === "string" && typeof wanted === "string") {
    return actual.toLowerCase().includes(wanted.toLowerCase());
  }
  if (Array.isArray(actual)) return actual.some((item) => fits(wanted, item));
  if (isRecord(actual) && isRecord(wanted)) {
    return Object.entries(wanted).every(([key, value]) => fits(value, actual[key]));
  }
  return false;
}

/**
 * Whether `actual` satisfies `rule`: `contains` finds a substring in text, an element in a list,
 * or the given keys in an object (objects inside are matched by the keys they give, values as
 * rules); `regex` searches the text (or the JSON of anything else); `not` inverts a rule; anything
 * else must be deep-equal.
 */
export function matches(rule: ValueRule, actual: unknown): boolean {
  const key = matcherKey(rule);
  const inner = key ? (rule as Record<string, unknown>)[key] : undefined;
  switch (key) {
    case "contains":
      return containsValue(actual, inner);
    case "regex":
      return actual !== undefined && new RegExp(String(inner), "i").test(asText(actual));
    case "not":
      return !matches(inner, actual);
    case "equals":
      return isDeepStrictEqual(actual, inner);
    default:
      return isDeepStrictEqual(actual, rule);
  }
}

/** A rule as the report shows it: `contains "Python"`, `/^yes/i`, `not …`, or the JSON. */
export function describeRule(rule: ValueRule): string {
  const key = matcherKey(rule);
  const inner = key ? (rule as Record<string, unknown>)[key] : undefined;
  switch (key) {
    case "contains":
      return `contains ${JSON.stringify(inner)}`;
    case "regex":
      return `matches /${String(inner)}/i`;
    case "not":
      return `not ${describeRule(inner)}`;
    case "equals":
      return `equals ${JSON.stringify(inner)}`;
    default:
      return JSON.stringify(rule);
  }
}
