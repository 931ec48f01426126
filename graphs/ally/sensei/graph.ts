import { SystemMessage, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import { END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import type { EnrollmentStore } from "../../../store/index.js";
import { markCheckpointCompleteTool } from "../../../tools/index.js";
import { replyForLearner, type ModelFactory } from "../../models/index.js";
import { renderPrompt } from "../../prompts.js";
import { recordStep } from "../../turn-path.js";
import { promptContext } from "../context.js";
import { AllyState, type AllyStateValue } from "../state.js";

const MAX_REFUSALS_PER_TURN = 2;

const VIDEO_SEARCH_TOOL = "fetch_youtube_videos";

const thisTurn = (messages: BaseMessage[]) =>
  messages.slice(messages.findLastIndex((m) => m.type === "human") + 1);

const videoSearchesThisTurn = (messages: BaseMessage[]) =>
  thisTurn(messages).filter((m) => m.type === "tool" && m.name === VIDEO_SEARCH_TOOL).length;

function teachNode(
  models: ModelFactory,
  markComplete: ReturnType<typeof markCheckpointCompleteTool>,
) {
  const sensei = models.forAgent("mission_sensei");
  const search = models.grounding?.searchTools("mission_sensei") ?? [];
  const videoTool = models.grounding?.videoTool;
  const teaching = sensei.bindTools!([markComplete, ...search]);
  const withVideos = videoTool ? sensei.bindTools!([markComplete, videoTool, ...search]) : teaching;
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) => {
    const context = promptContext(state, config);
    const system = new SystemMessage(renderPrompt("ally/mission_sensei.md", context, config));
    // One video search per turn, and a turn presents at most one new concept.
    const model = videoSearchesThisTurn(state.messages) > 0 ? teaching : withVideos;
    const reply = await model.invoke([system, ...state.messages], config);
    return { messages: [replyForLearner(reply, `**${context.checkpoint_title}**`)] };
  };
}

/** Runs the video search and hands its result back to the teacher. */
function videoSearchNode(models: ModelFactory) {
  const videoTool = models.grounding?.videoTool;
  const tools = new ToolNode(videoTool ? [videoTool] : []);
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) =>
    (await tools.invoke(state, config)) as { messages: BaseMessage[] };
}

function lastToolCalls(messages: BaseMessage[]) {
  const last = messages.at(-1);
  return last && isAIMessage(last) ? (last.tool_calls ?? []) : [];
}

const completionCall = (messages: BaseMessage[]) =>
  lastToolCalls(messages).find((c) => c.name === "mark_checkpoint_complete");

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

/** A video search goes first: the search node answers every call of that reply. */
function afterTeach(state: AllyStateValue) {
  if (lastToolCalls(state.messages).some((c) => c.name === VIDEO_SEARCH_TOOL))
    return "video_search";
  return completionCall(state.messages) ? "mark_complete" : END;
}

/** Back to the teacher with the results; a second search in one turn ends it instead. */
const afterVideoSearch = (state: AllyStateValue) =>
  videoSearchesThisTurn(state.messages) > 1 ? END : "teach";

/** A refused completion goes back to the teacher to answer it, a bounded number of times. */
function afterMarkComplete(state: AllyStateValue) {
  if (state.phase !== "teaching") return END;
  const refusals = thisTurn(state.messages).filter(
    (m) => m.type === "tool" && m.text.startsWith("Refused:"),
  ).length;
  return refusals >= MAX_REFUSALS_PER_TURN ? END : "teach";
}

/**
 * mission_sensei: teaches the current checkpoint, may look up a video for a new concept, and
 * completes the checkpoint through the tool.
 */
export function buildSenseiGraph(options: { models: ModelFactory; enrollments: EnrollmentStore }) {
  const markComplete = markCheckpointCompleteTool(options.enrollments);
  return new StateGraph(AllyState)
    .addNode("teach", recordStep(teachNode(options.models, markComplete)), {
      metadata: { agent: "mission_sensei", prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode("mark_complete", recordStep(markCompleteNode(markComplete)), {
      metadata: { agent: "mission_sensei", tool: "mark_checkpoint_complete" },
    })
    .addNode("video_search", recordStep(videoSearchNode(options.models)), {
      metadata: { agent: "mission_sensei", tool: VIDEO_SEARCH_TOOL },
    })
    .addEdge(START, "teach")
    .addConditionalEdges("teach", afterTeach, ["video_search", "mark_complete", END])
    .addConditionalEdges("video_search", afterVideoSearch, ["teach", END])
    .addConditionalEdges("mark_complete", afterMarkComplete, ["teach", END])
    .compile({ checkpointer: false, name: "mission_sensei" });
}

export type SenseiGraph = ReturnType<typeof buildSenseiGraph>;
