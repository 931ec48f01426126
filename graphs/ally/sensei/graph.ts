import { SystemMessage, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import { END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { EnrollmentStore } from "../../../store/index.js";
import { markCheckpointCompleteTool } from "../../../tools/index.js";
import type { ModelFactory } from "../../models/index.js";
import { renderPrompt } from "../../prompts.js";
import { promptContext } from "../context.js";
import { AllyState, type AllyStateValue } from "../state.js";

const MAX_REFUSALS_PER_TURN = 2;

function teachNode(
  models: ModelFactory,
  markComplete: ReturnType<typeof markCheckpointCompleteTool>,
) {
  const model = models.forAgent("mission_sensei").bindTools!([markComplete]);
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) => {
    const system = new SystemMessage(
      renderPrompt("ally/mission_sensei.md", promptContext(state, config)),
    );
    return { messages: [await model.invoke([system, ...state.messages], config)] };
  };
}

function completionCall(messages: BaseMessage[]) {
  const last = messages.at(-1);
  if (!last || !isAIMessage(last)) return undefined;
  return last.tool_calls?.find((c) => c.name === "mark_checkpoint_complete");
}

/** Runs the completion tool; its rules, not the prompt, decide whether progress moves. */
function markCompleteNode(markComplete: ReturnType<typeof markCheckpointCompleteTool>) {
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) => {
    const call = completionCall(state.messages);
    if (!call) throw new Error("mark_complete ran without a completion call");
    return markComplete.invoke(
      { ...call, id: call.id ?? crypto.randomUUID(), type: "tool_call" },
      config,
    );
  };
}

const afterTeach = (state: AllyStateValue) =>
  completionCall(state.messages) ? "mark_complete" : END;

/** A refused completion goes back to the teacher to answer it, a bounded number of times. */
function afterMarkComplete(state: AllyStateValue) {
  if (state.phase !== "teaching") return END;
  const sinceLearner = state.messages.slice(
    state.messages.findLastIndex((m) => m.type === "human") + 1,
  );
  const refusals = sinceLearner.filter(
    (m) => m.type === "tool" && m.text.startsWith("Refused:"),
  ).length;
  return refusals >= MAX_REFUSALS_PER_TURN ? END : "teach";
}

/** mission_sensei: teaches the current checkpoint and completes it through the tool. */
export function buildSenseiGraph(options: { models: ModelFactory; enrollments: EnrollmentStore }) {
  const markComplete = markCheckpointCompleteTool(options.enrollments);
  return new StateGraph(AllyState)
    .addNode("teach", teachNode(options.models, markComplete), {
      metadata: { agent: "mission_sensei", prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode("mark_complete", markCompleteNode(markComplete), {
      metadata: { agent: "mission_sensei", tool: "mark_checkpoint_complete" },
    })
    .addEdge(START, "teach")
    .addConditionalEdges("teach", afterTeach, ["mark_complete", END])
    .addConditionalEdges("mark_complete", afterMarkComplete, ["teach", END])
    .compile({ checkpointer: false, name: "mission_sensei" });
}

export type SenseiGraph = ReturnType<typeof buildSenseiGraph>;
