import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { OutputParserException } from "@langchain/core/output_parsers";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  AGENTS,
  AnswerVerdictSchema,
  readAllyContext,
  withNotAnswer,
  type AnswerVerdict,
  type Assessment,
} from "../../domain/index.js";
import type { ModelFactory } from "../models/index.js";
import { promptValues, withSession } from "../agent-sessions.js";
import { renderPrompt } from "../prompts.js";
import { checkSession } from "./sessions.js";
import type { AllyStateUpdate, AllyStateValue } from "./state.js";

/** An answer the server accepted, waiting for the teacher's verdict. */
export const awaitingVerdict = (assessments: readonly Assessment[]) =>
  assessments.find((a) => a.status === "closed" && a.verdict === null);

/** What an answer the teacher could not judge (a refused or malformed verdict, twice) is noted as. */
const UNJUDGED: AnswerVerdict = {
  verdict: "not_yet",
  reason: "The answer could not be checked; ask another question.",
};

/**
 * mission_sensei's verdict on the answer that just closed a question, as structured output:
 * understood or not yet, stored on the assessment; or no answer after all, which reopens the
 * question. The verdict is data for the teacher, never streamed to the learner.
 */
export function checkAnswerNode(models: ModelFactory) {
  const model = models
    .forAgent(AGENTS.sensei)
    .withStructuredOutput(AnswerVerdictSchema, { name: "verdict" });

  async function verdictOn(
    messages: BaseMessage[],
    config: LangGraphRunnableConfig,
  ): Promise<AnswerVerdict | undefined> {
    try {
      const parsed = AnswerVerdictSchema.safeParse(await model.invoke(messages, config));
      return parsed.success ? parsed.data : undefined;
    } catch (err) {
      // A refusal or a block leaves no JSON to parse, so it fails here like malformed JSON does.
      if (err instanceof OutputParserException) return undefined;
      throw err;
    }
  }

  return async (
    state: AllyStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<AllyStateUpdate> => {
    const assessment = awaitingVerdict(state.assessments);
    if (!assessment?.answer) return {};
    const context = readAllyContext(config);
    const session = checkSession(state, context, assessment);
    const system = new SystemMessage(
      renderPrompt("ally/mission_sensei_check.md", promptValues(session), context.prompts_dir),
    );
    const options = {
      ...withSession(config, session),
      tags: [...(config.tags ?? []), "structured_output", "nostream"],
    };
    const messages = [system, new HumanMessage(assessment.answer)];
    const { verdict, reason } =
      (await verdictOn(messages, options)) ?? (await verdictOn(messages, options)) ?? UNJUDGED;
    const replace = (updated: Assessment) =>
      state.assessments.map((a) => (a === assessment ? updated : a));
    if (verdict === "not_an_answer") {
      const reopened: Assessment = {
        ...withNotAnswer(assessment, assessment.answer, "judged_not_an_answer"),
        status: "open",
        answer: null,
        answered_at: null,
      };
      return {
        assessments: replace(reopened),
        last_reply: { kind: "not_an_answer", reason: "judged_not_an_answer" },
      };
    }
    return { assessments: replace({ ...assessment, verdict, verdict_reason: reason.trim() }) };
  };
}
