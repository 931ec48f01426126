import { SystemMessage, isAIMessage, type BaseMessage } from "@langchain/core/messages";
import { END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import {
  AGENTS,
  AllyContextSchema,
  GRAPHS,
  NODES,
  TOOLS,
  readAllyContext,
} from "../../../domain/index.js";
import type { EnrollmentStore } from "../../../store/index.js";
import { markCheckpointCompleteTool } from "../../../tools/index.js";
import { replyForLearner, type ModelFactory } from "../../models/index.js";
import { promptValues, withSession } from "../../agent-sessions.js";
import { renderPrompt } from "../../prompts.js";
import { recordStep } from "../../turn-path.js";
import { senseiSession } from "../sessions.js";
import { AllyState, type AllyStateValue } from "../state.js";

/** Completions refused in one turn before the teacher must answer in words. */
const MAX_REFUSALS_PER_TURN = 2;

const thisTurn = (messages: BaseMessage[]) =>
  messages.slice(messages.findLastIndex((m) => m.type === "human") + 1);

const videoSearchesThisTurn = (messages: BaseMessage[]) =>
  thisTurn(messages).filter((m) => m.type === "tool" && m.name === TOOLS.fetchYoutubeVideos).length;

const refusalsThisTurn = (messages: BaseMessage[]) =>
  thisTurn(messages).filter((m) => m.type === "tool" && m.text.startsWith("Refused:")).length;

function teachNode(
  models: ModelFactory,
  markComplete: ReturnType<typeof markCheckpointCompleteTool>,
) {
  const sensei = models.forAgent(AGENTS.sensei);
  const search = models.grounding?.searchTools(AGENTS.sensei) ?? [];
  const videoTool = models.grounding?.videoTool;
  const teaching = {
    model: sensei.bindTools!([markComplete, ...search]),
    tools: [markComplete.name],
  };
  const withVideos = videoTool
    ? {
        model: sensei.bindTools!([markComplete, videoTool, ...search]),
        tools: [markComplete.name, videoTool.name],
      }
    : teaching;
  const talking = { model: sensei, tools: [] };
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) => {
    const context = readAllyContext(config);
    const session = senseiSession(state, context);
    const system = new SystemMessage(
      renderPrompt("ally/mission_sensei.md", promptValues(session), context.prompts_dir),
    );
    // One video search per turn, and a turn presents at most one new concept. After refused
    // completions the teacher answers in words, so every turn ends with something to read.
    const { model, tools } =
      refusalsThisTurn(state.messages) >= MAX_REFUSALS_PER_TURN
        ? talking
        : videoSearchesThisTurn(state.messages) > 0
          ? teaching
          : withVideos;
    const reply = await replyForLearner(
      model,
      [system, ...state.messages],
      withSession(config, session),
      {
        backTo: `**${session.checkpoint_title}**`,
        tools,
      },
    );
    return { messages: [reply] };
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
  lastToolCalls(messages).find((c) => c.name === TOOLS.markCheckpointComplete);

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
  if (lastToolCalls(state.messages).some((c) => c.name === TOOLS.fetchYoutubeVideos))
    return NODES.videoSearch;
  return completionCall(state.messages) ? NODES.markComplete : END;
}

/** Back to the teacher with the results; a second search in one turn ends it instead. */
const afterVideoSearch = (state: AllyStateValue) =>
  videoSearchesThisTurn(state.messages) > 1 ? END : NODES.teach;

/** A refused completion goes back to the teacher to answer it; a completion ends the turn. */
const afterMarkComplete = (state: AllyStateValue) =>
  state.phase === "teaching" ? NODES.teach : END;

/**
 * mission_sensei: teaches the current checkpoint, may look up a video for a new concept, and
 * completes the checkpoint through the tool.
 */
export function buildSenseiGraph(options: { models: ModelFactory; enrollments: EnrollmentStore }) {
  const markComplete = markCheckpointCompleteTool(options.enrollments);
  return new StateGraph(AllyState, AllyContextSchema)
    .addNode(NODES.teach, recordStep(teachNode(options.models, markComplete)), {
      metadata: { agent: AGENTS.sensei, prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode(NODES.markComplete, recordStep(markCompleteNode(markComplete)), {
      metadata: { agent: AGENTS.sensei, tool: TOOLS.markCheckpointComplete },
    })
    .addNode(NODES.videoSearch, recordStep(videoSearchNode(options.models)), {
      metadata: { agent: AGENTS.sensei, tool: TOOLS.fetchYoutubeVideos },
    })
    .addEdge(START, NODES.teach)
    .addConditionalEdges(NODES.teach, afterTeach, [NODES.videoSearch, NODES.markComplete, END])
    .addConditionalEdges(NODES.videoSearch, afterVideoSearch, [NODES.teach, END])
    .addConditionalEdges(NODES.markComplete, afterMarkComplete, [NODES.teach, END])
    .compile({ checkpointer: false, name: GRAPHS.sensei });
}

export type SenseiGraph = ReturnType<typeof buildSenseiGraph>;
