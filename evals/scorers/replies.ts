import type { ReplyExpectation } from "../runner/case-schema.js";
import { describeRule, matches } from "../runner/matchers.js";
import type { CaseTrace } from "../runner/trace.js";
import { transcriptOf } from "../runner/transcript.js";
import { verdict, type CheckResult } from "./check.js";

type Scored = Pick<CaseTrace, "frames" | "steps">;

const excerpt = (text: string) => (text.length > 100 ? `${text.slice(0, 97)}…` : text);

/** The trace step of the `turn`-th learner message (counted from 1). */
function stepOfTurn(trace: Scored, turn: number): number | undefined {
  return trace.steps.filter((step) => "user" in step.input)[turn - 1]?.index;
}

/**
 * What agents must say: for each expectation, some agent message (in that learner message's
 * reply, by that agent, when the expectation says so) matches its text rule.
 */
export function scoreReplies(
  expected: ReplyExpectation[],
  trace: Scored,
  agent: "commander" | "ally",
): CheckResult {
  const said = transcriptOf(agent, trace).filter(
    (line) => line.speaker !== "learner" && line.speaker !== "event",
  );
  const failures = expected.flatMap((rule) => {
    const step = rule.turn === undefined ? undefined : stepOfTurn(trace, rule.turn);
    const where = [
      rule.turn === undefined ? "any reply" : `the reply to learner message ${rule.turn}`,
      ...(rule.agent ? [`by ${rule.agent}`] : []),
    ].join(" ");
    if (rule.turn !== undefined && step === undefined) {
      return [`${where}: the conversation has no learner message ${rule.turn}`];
    }
    const candidates = said.filter(
      (line) =>
        (step === undefined || line.step === step) &&
        (rule.agent === undefined || line.speaker === rule.agent),
    );
    if (candidates.some((line) => matches(rule.text, line.text))) return [];
    const heard = candidates.map((line) => `"${excerpt(line.text)}"`).join(" / ") || "nothing";
    return [`${where}: nothing ${describeRule(rule.text)}; said ${heard}`];
  });
  return verdict("replies", failures);
}
