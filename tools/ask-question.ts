import { ToolMessage } from "@langchain/core/messages";
import { tool, type ToolRunnableConfig } from "@langchain/core/tools";
import { Command, getCurrentTaskInput, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import { AGENTS, TOOLS, openAssessment, type Assessment } from "../domain/index.js";

/** The part of the Ally's state that opening a question reads. */
export interface AssessmentState {
  phase: string;
  active_agent: string;
  checkpoint_index: number;
  assessments: Assessment[];
}

export const ASKED = "Question recorded. Wait for the learner's answer.";

/**
 * Opens an assessment: the comprehension question the teacher just asked, recorded in state for
 * the checkpoint being taught, which the server knows. A question asked while another is still
 * open replaces it (a simpler question, after a re-explanation), keeping the replies that did not
 * answer it. Only a substantive answer from the learner closes it.
 */
export function askQuestionTool(now: () => string = () => new Date().toISOString()) {
  return tool(
    async ({ question }, config: LangGraphRunnableConfig & ToolRunnableConfig) => {
      const state = getCurrentTaskInput<AssessmentState>(config);
      const toolCallId = String(config.toolCall?.id ?? TOOLS.askQuestion);
      const answer = (content: string, update: Partial<AssessmentState> = {}) =>
        new Command({
          update: { messages: [new ToolMessage({ tool_call_id: toolCallId, content })], ...update },
        });
      if (state.active_agent !== AGENTS.sensei || state.phase !== "teaching") {
        return answer("Refused: questions are asked while teaching a checkpoint.");
      }
      const opened: Assessment = {
        checkpoint: state.checkpoint_index,
        question: question.trim(),
        asked_at: now(),
        status: "open",
        answer: null,
        answered_at: null,
        verdict: null,
        verdict_reason: null,
        not_answers: [],
      };
      const open = openAssessment(state.assessments);
      const assessments = open
        ? state.assessments.map((a) => (a === open ? { ...opened, not_answers: a.not_answers } : a))
        : [...state.assessments, opened];
      return answer(ASKED, { assessments });
    },
    {
      name: TOOLS.askQuestion,
      description:
        "Record the one comprehension question you end your message with, word for word, so the learner's answer can be checked. Not for questions about confidence, readiness or what to do next.",
      schema: z.object({
        question: z.string().trim().min(1).describe("The question, exactly as you asked it"),
      }),
    },
  );
}
