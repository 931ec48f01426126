import type { EvalCase } from "../runner/case-schema.js";
import type { CaseTrace } from "../runner/trace.js";
import { transcriptOf, transcriptText } from "../runner/transcript.js";
import { verdict, type CheckResult } from "./check.js";
import { scoreForbidden } from "./forbidden.js";
import { scoreInvariants } from "./invariants.js";
import { scoreJudge, type JudgeSession } from "./judge.js";
import { scoreNodes } from "./nodes.js";
import { scoreProtocol } from "./protocol.js";
import { scoreReplies } from "./replies.js";
import { scoreState } from "./state.js";
import { scoreTrajectory } from "./trajectory.js";

export { CHECK_NAMES, type CheckName, type CheckResult } from "./check.js";
export { openJudge, judgeConversation, JudgeVerdict, type JudgeSession } from "./judge.js";
export {
  scoreForbidden,
  scoreInvariants,
  scoreNodes,
  scoreProtocol,
  scoreReplies,
  scoreState,
  scoreTrajectory,
};

const skipped = (name: CheckResult["name"], note: string): CheckResult => ({
  name,
  status: "skipped",
  failures: [],
  note,
});

function missText(miss: CaseTrace["misses"][number]): string {
  const closest = miss.closest
    ? `; the closest recording differs at ${miss.closest.differs_at}`
    : "; the cassette is empty";
  return `no recorded Gemini answer for request ${miss.key} (${miss.model}, last text "${miss.last_text}")${closest}`;
}

/** Every check of a case. `replayed` says the models were served from a cassette. */
export async function scoreCase(
  evalCase: EvalCase,
  trace: CaseTrace,
  options: { replayed: boolean; judge: JudgeSession },
): Promise<CheckResult[]> {
  const { expect } = evalCase;
  const checks: CheckResult[] = [
    verdict(
      "run",
      trace.steps.flatMap((s) => (s.error ? [`step ${s.index}: ${s.error}`] : [])),
    ),
  ];
  if (options.replayed) checks.push(verdict("replay", trace.misses.map(missText)));
  checks.push(
    expect.trajectory
      ? scoreTrajectory(expect.trajectory.steps, expect.trajectory.match, trace.trajectory)
      : skipped("trajectory", "the case expects no trajectory"),
    expect.nodes ? scoreNodes(expect.nodes, trace) : skipped("nodes", "the case expects no paths"),
    expect.state ? scoreState(expect.state, trace) : skipped("state", "the case asserts no state"),
    expect.replies.length > 0
      ? scoreReplies(expect.replies, trace, evalCase.agent)
      : skipped("replies", "the case expects no replies"),
    scoreProtocol(
      {
        agent: evalCase.agent,
        allEvents: evalCase.agent === "commander" && evalCase.connection.events === "all",
        tokens: evalCase.connection.stream === "tokens",
      },
      trace,
    ),
    expect.forbidden.length > 0
      ? scoreForbidden(expect.forbidden, trace, evalCase.agent)
      : skipped("forbidden", "the case forbids nothing"),
    scoreInvariants(
      evalCase.agent,
      trace,
      evalCase.agent === "ally" ? evalCase.seed.position.completed_checkpoints : 0,
    ),
    expect.judge
      ? await scoreJudge(options.judge, {
          agent: evalCase.agent === "commander" ? "Mission Commander" : "Mission Ally",
          rubric: expect.judge.rubric,
          minScore: expect.judge.min_score,
          transcript: transcriptText(transcriptOf(evalCase.agent, trace)),
        })
      : skipped("judge", "the case has no rubric"),
  );
  return checks;
}
