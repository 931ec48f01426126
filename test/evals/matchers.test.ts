import { describe, expect, it } from "vitest";
import { describeRule, matches, ruleProblem } from "../../evals/runner/matchers.js";

describe("value matchers", () => {
  it("compares a plain value by deep equality", () => {
    expect(matches("teaching", "teaching")).toBe(true);
    expect(matches("teaching", "Teaching")).toBe(false);
    expect(matches({ kind: "answer" }, { kind: "answer" })).toBe(true);
    expect(matches({ kind: "answer" }, { kind: "answer", extra: 1 })).toBe(false);
    expect(matches(null, null)).toBe(true);
  });

  it("contains: a substring, an element of a list, or the given keys of an object", () => {
    expect(matches({ contains: "python" }, "Learn Python fast")).toBe(true);
    expect(matches({ contains: "rust" }, "Learn Python fast")).toBe(false);
    expect(matches({ contains: "Basics" }, ["Basics", "Loops"])).toBe(true);
    expect(matches({ contains: "Basic" }, ["Basics", "Loops"])).toBe(false);
    const assessments = [
      { status: "closed", answer: "A named value", verdict: "understood", not_answers: [] },
      { status: "open", answer: null, verdict: null, not_answers: [{ reason: "gibberish" }] },
    ];
    expect(matches({ contains: { status: "open" } }, assessments)).toBe(true);
    expect(matches({ contains: { status: "open", verdict: "understood" } }, assessments)).toBe(
      false,
    );
    expect(
      matches({ contains: { answer: { contains: "named" }, not_answers: [] } }, assessments),
    ).toBe(true);
    expect(
      matches({ contains: { not_answers: { contains: { reason: "gibberish" } } } }, assessments),
    ).toBe(true);
    expect(matches({ contains: "x" }, 42)).toBe(false);
  });

  it("regex: searches text case-insensitively, and the JSON of anything else", () => {
    expect(matches({ regex: "^so you want" }, "So you want to learn Git?")).toBe(true);
    expect(matches({ regex: "\\?$" }, "Ready.")).toBe(false);
    expect(matches({ regex: '"verdict":"not_yet"' }, { verdict: "not_yet" })).toBe(true);
    expect(matches({ regex: "null" }, undefined)).toBe(false);
  });

  it("not and equals", () => {
    expect(matches({ not: { contains: "Paris" } }, "I won't guess.")).toBe(true);
    expect(matches({ not: "done" }, "done")).toBe(false);
    expect(matches({ not: { not: { regex: "a" } } }, "a")).toBe(true);
    // equals compares literally, even an object that looks like a matcher.
    expect(matches({ equals: { contains: "x" } }, { contains: "x" })).toBe(true);
  });

  it("finds broken rules before a run, and describes rules for the report", () => {
    expect(ruleProblem({ regex: "(" })).toMatch(/not a valid regular expression/);
    expect(ruleProblem({ not: { regex: "[" } })).toMatch(/not a valid regular expression/);
    expect(ruleProblem({ regex: 3 })).toBe("regex takes a string");
    expect(ruleProblem({ contains: "x" })).toBeUndefined();
    expect(describeRule({ not: { regex: "fit" } })).toBe("not matches /fit/i");
    expect(describeRule({ contains: "Python" })).toBe('contains "Python"');
    expect(describeRule("teaching")).toBe('"teaching"');
  });
});
