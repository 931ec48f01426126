import {
  SystemMessage,
  isAIMessage,
  type AIMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
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
import { askQuestionTool, markCheckpointCompleteTool } from "../../../tools/index.js";
import { replyForLearner, storedReply, type ModelFactory } from "../../models/index.js";
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

const normalised = (text: string) => text.toLowerCase().replace(/\W+/g, " ").trim();

/**
 * The question a reply records is the one the learner reads: a recorded question missing from the
 * reply's text is added to it.
 */
function showingQuestion(reply: AIMessage): AIMessage {
  const call = reply.tool_calls?.find((c) => c.name === TOOLS.askQuestion);
  const question = typeof call?.args.question === "string" ? call.args.question.trim() : "";
  if (!call || !question || normalised(reply.text).includes(normalised(question))) return reply;
  const text = reply.text.trim() ? `${reply.text.trim()}\n\n${question}` : question;
  return storedReply(reply, text, reply.tool_calls ?? []);
}

type SenseiTools = {
  markComplete: ReturnType<typeof markCheckpointCompleteTool>;
  askQuestion: ReturnType<typeof askQuestionTool>;
};

function teachNode(models: ModelFactory, { markComplete, askQuestion }: SenseiTools) {
  const sensei = models.forAgent(AGENTS.sensei);
  const search = models.grounding?.searchTools(AGENTS.sensei) ?? [];
  const videoTool = models.grounding?.videoTool;
  const teaching = {
    model: sensei.bindTools!([markComplete, askQuestion, ...search]),
    tools: [markComplete.name, askQuestion.name],
  };
  const withVideos = videoTool
    ? {
        model: sensei.bindTools!([markComplete, askQuestion, videoTool, ...search]),
        tools: [markComplete.name, askQuestion.name, videoTool.name],
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
    return { messages: [showingQuestion(reply)] };
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

const callTo = (messages: BaseMessage[], name: string) =>
  lastToolCalls(messages).find((c) => c.name === name);

/**
 * Runs the teacher's call to `tool`; the tool's rules, not the prompt, decide what changes: whether
 * progress moves, and which question is open.
 */
function toolCallNode(tool: StructuredToolInterface) {
  return async (state: AllyStateValue, config: LangGraphRunnableConfig) => {
    const call = callTo(state.messages, tool.name);
    if (!call) throw new Error(`${tool.name} ran without a call to it`);
    return tool.invoke({ ...call, id: call.id ?? crypto.randomUUID(), type: "tool_call" }, config);
  };
}

/** A video search goes first: the search node answers every call of that reply. */
function afterTeach(state: AllyStateValue) {
  if (callTo(state.messages, TOOLS.fetchYoutubeVideos)) return NODES.videoSearch;
  if (callTo(state.messages, TOOLS.askQuestion)) return NODES.askQuestion;
  return callTo(state.messages, TOOLS.markCheckpointComplete) ? NODES.markComplete : END;
}

/**
 * After a question is recorded the learner answers; a refused one (only ever asked outside
 * teaching) goes back to the teacher to answer in words.
 */
const afterAskQuestion = (state: AllyStateValue) =>
  state.messages.at(-1)?.text.startsWith("Refused:") ? NODES.teach : END;

/** Back to the teacher with the results; a second search in one turn ends it instead. */
const afterVideoSearch = (state: AllyStateValue) =>
  videoSearchesThisTurn(state.messages) > 1 ? END : NODES.teach;

/** A refused completion goes back to the teacher to answer it; a completion ends the turn. */
const afterMarkComplete = (state: AllyStateValue) =>
  state.phase === "teaching" ? NODES.teach : END;

/**
 * mission_sensei: teaches the current checkpoint, asks one recorded comprehension question at a
 * time, may look up a video for a new concept, and completes the checkpoint through the tool.
 */
export function buildSenseiGraph(options: { models: ModelFactory; enrollments: EnrollmentStore }) {
  const tools: SenseiTools = {
    markComplete: markCheckpointCompleteTool(options.enrollments),
    askQuestion: askQuestionTool(),
  };
  return new StateGraph(AllyState, AllyContextSchema)
    .addNode(NODES.teach, recordStep(teachNode(options.models, tools)), {
      metadata: { agent: AGENTS.sensei, prompt: "prompts/ally/mission_sensei.md" },
    })
    .addNode(NODES.askQuestion, recordStep(toolCallNode(tools.askQuestion)), {
      metadata: { agent: AGENTS.sensei, tool: TOOLS.askQuestion },
    })
    .addNode(NODES.markComplete, recordStep(toolCallNode(tools.markComplete)), {
      metadata: { agent: AGENTS.sensei, tool: TOOLS.markCheckpointComplete },
    })
    .addNode(NODES.videoSearch, recordStep(videoSearchNode(options.models)), {
      metadata: { agent: AGENTS.sensei, tool: TOOLS.fetchYoutubeVideos },
    })
    .addEdge(START, NODES.teach)
    .addConditionalEdges(NODES.teach, afterTeach, [
      NODES.videoSearch,
      NODES.askQuestion,
      NODES.markComplete,
      END,
    ])
    .addConditionalEdges(NODES.askQuestion, afterAskQuestion, [NODES.teach, END])
    .addConditionalEdges(NODES.videoSearch, afterVideoSearch, [NODES.teach, END])
    .addConditionalEdges(NODES.markComplete, afterMarkComplete, [NODES.teach, END])
    .compile({ checkpointer: false, name: GRAPHS.sensei });
}

export type SenseiGraph = ReturnType<typeof buildSenseiGraph>;
