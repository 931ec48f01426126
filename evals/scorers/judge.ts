import { existsSync } from "node:fs";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import { renderPrompt } from "../../graphs/prompts.js";
import { geminiAt, serveGemini, type GeminiEndpoint } from "../runner/eval-gemini.js";
import type { ModelPlan } from "../runner/models.js";
import type { CheckResult } from "./check.js";

export const JudgeVerdict = z.object({
  score: z
    .number()
    .int()
    .min(1)
    .max(5)
    .describe("How well the conversation meets the rubric, 1 to 5"),
  reasoning: z.string().min(1).describe("Two to four sentences that point at the turns meant"),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdict>;

/** Where the judge's Gemini is: live, or a replay server with the case's judge cassette. */
export type JudgeEndpoint = GeminiEndpoint;

export interface JudgeSession {
  /** Absent when the judge is skipped. */
  endpoint?: JudgeEndpoint;
  /** Why the judge is skipped. */
  skipped?: string;
  stop(): Promise<void>;
}

const none = async () => undefined;

/**
 * The judge runs on Gemini: live when `GOOGLE_API_KEY` is set (recording its answers with
 * `--model gemini --record`), and in replay mode from the case's judge cassette when one exists.
 * Otherwise it is skipped, and says why.
 */
export async function openJudge(plan: ModelPlan, cassette: string): Promise<JudgeSession> {
  if (plan.mode === "replay") {
    if (plan.upstream) {
      return {
        skipped: "the scripted Gemini cannot judge; record judges with --model gemini",
        stop: none,
      };
    }
    if (!existsSync(cassette))
      return { skipped: `no recorded judge answers at ${cassette}`, stop: none };
  } else if (!plan.apiKey) {
    return { skipped: "no GOOGLE_API_KEY", stop: none };
  }
  return serveGemini(plan, cassette, plan.judgeModel);
}

/** Asks Gemini for a structured `{score, reasoning}` on the transcript against the rubric. */
export async function judgeConversation(
  endpoint: JudgeEndpoint,
  input: { agent: string; rubric: string; transcript: string },
): Promise<JudgeVerdict> {
  const judge = geminiAt(endpoint, 0).withStructuredOutput(JudgeVerdict, { name: "verdict" });
  const system = renderPrompt("evals/judge.md", { agent: input.agent, rubric: input.rubric });
  const verdict = await judge.invoke([
    new SystemMessage(system),
    new HumanMessage(`The conversation:\n\n${input.transcript}`),
  ]);
  return JudgeVerdict.parse(verdict);
}

/** The judge's verdict as a check: it passes at `minScore` or above. */
export async function scoreJudge(
  session: JudgeSession,
  input: { agent: string; rubric: string; minScore: number; transcript: string },
): Promise<CheckResult> {
  if (!session.endpoint) {
    return { name: "judge", status: "skipped", failures: [], note: session.skipped };
  }
  try {
    const { score, reasoning } = await judgeConversation(session.endpoint, input);
    const passed = score >= input.minScore;
    return {
      name: "judge",
      status: passed ? "pass" : "fail",
      failures: passed ? [] : [`scored ${score}, below ${input.minScore}: ${reasoning}`],
      score,
      note: reasoning,
    };
  } catch (err) {
    return {
      name: "judge",
      status: "fail",
      failures: [`the judge could not answer: ${(err as Error).message.split("\n")[0]}`],
    };
  }
}
