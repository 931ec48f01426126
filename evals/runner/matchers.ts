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

/** The JSON type a value has, as JSON Schema names it. */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const fitsType = (value: unknown, type: string) =>
  jsonType(value) === type || (type === "number" && jsonType(value) === "integer");

/**
 * Why `rule` can never match a value of this JSON schema (a tool argument's), or undefined: a
 * literal of another type or outside the enum, `contains` on something that is not text or of
 * text no allowed value has, `regex` that no allowed value matches. `not` always can.
 */
export function ruleMismatch(
  rule: ValueRule,
  schema: { type?: unknown; enum?: unknown[] },
): string | undefined {
  const type = typeof schema.type === "string" ? schema.type : undefined;
  const values = Array.isArray(schema.enum) ? schema.enum : undefined;
  const allowed = values ? `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` : type;
  const key = matcherKey(rule);
  const inner = key ? (rule as Record<string, unknown>)[key] : rule;
  switch (key) {
    case "not":
      return undefined;
    case "regex":
      if (values && !values.some((value) => matches(rule, value))) {
        return `${describeRule(rule)} matches none of its values (${allowed})`;
      }
      return undefined;
    case "contains":
      if (type && type !== "string" && type !== "array" && type !== "object") {
        return `contains needs text, a list or an object, and it is a ${type}`;
      }
      if (type === "string" && typeof inner !== "string") {
        return `it is text, so contains takes a string, not ${JSON.stringify(inner)}`;
      }
      if (values && !values.some((value) => matches(rule, value))) {
        return `none of its values contains ${JSON.stringify(inner)} (${allowed})`;
      }
      return undefined;
    default:
      if (values && !values.some((value) => isDeepStrictEqual(value, inner))) {
        return `${JSON.stringify(inner)} is never its value (${allowed})`;
      }
      if (type && !fitsType(inner, type)) {
        const hint = jsonType(inner) === "object" ? ` (matchers: ${MATCHER_KEYS.join(", ")})` : "";
        return `it is a ${type}, never ${JSON.stringify(inner)}${hint}`;
      }
      return undefined;
  }
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
