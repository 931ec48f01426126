import {
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { AGENTS, MissionDraftSchema, readCommanderContext } from "../../domain/index.js";
import {
  LearningGoalSchema,
  confirmLearningGoal,
  type createMissionTool,
} from "../../tools/index.js";
import { replyForLearner, type ModelFactory } from "../models/index.js";
import { promptValues, withSession, type AgentSession } from "../agent-sessions.js";
import { renderPrompt } from "../prompts.js";
import type { CommanderStateUpdate, CommanderStateValue } from "./state.js";

export interface CommanderDeps {
  models: ModelFactory;
  createMission: ReturnType<typeof createMissionTool>;
}

function transcript(messages: BaseMessage[]): string {
  return messages
    .filter((m) => (m.type === "human" || m.type === "ai") && m.text.trim() !== "")
    .map((m) => `${m.type === "human" ? "Learner" : "Polaris"}: ${m.text.trim()}`)
    .join("\n");
}

export function polarisNode(deps: CommanderDeps) {
  const search = deps.models.grounding?.searchTools(AGENTS.polaris) ?? [];
  const model = deps.models.forAgent(AGENTS.polaris).bindTools!([confirmLearningGoal, ...search]);
  return async (
    state: CommanderStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<CommanderStateUpdate> => {
    const { learner_name, prompts_dir } = readCommanderContext(config);
    const session: AgentSession<"polaris"> = { learner_name };
    const system = new SystemMessage(
      renderPrompt("commander/polaris.md", promptValues(session), prompts_dir),
    );
    const reply = replyForLearner(
      await model.invoke([system, ...state.messages], withSession(config, session)),
      "your learning goal",
    );
    const call = reply.tool_calls?.find((c) => c.name === confirmLearningGoal.name);
    if (!call) return { messages: [reply] };
    const goal = LearningGoalSchema.safeParse(call.args);
    const toolCallId = call.id ?? confirmLearningGoal.name;
    if (!goal.success) {
      return {
        messages: [
          reply,
          new ToolMessage({
            tool_call_id: toolCallId,
            content: "Refused: topic, level and outcome are all required.",
          }),
        ],
      };
    }
    return {
      messages: [
        reply,
        new ToolMessage({ tool_call_id: toolCallId, content: "Learning goal confirmed." }),
      ],
      goal: goal.data,
      phase: "curating",
    };
  };
}

export function curatorNode(deps: CommanderDeps) {
  const model = deps.models
    .forAgent(AGENTS.curator)
    .withStructuredOutput(MissionDraftSchema, { name: "mission" });
  return async (
    state: CommanderStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<CommanderStateUpdate> => {
    if (!state.goal) throw new Error("mission_curator ran without a confirmed goal");
    const { topic, level, outcome } = state.goal;
    const session: AgentSession<"mission_curator"> = { topic, level, outcome };
    const system = new SystemMessage(
      renderPrompt(
        "commander/mission_curator.md",
        promptValues(session),
        readCommanderContext(config).prompts_dir,
      ),
    );
    // The mission arrives as JSON text, which is data for create_mission: never stream it as tokens.
    const draft = await model.invoke([system, new HumanMessage(transcript(state.messages))], {
      ...withSession(config, session),
      tags: [...(config.tags ?? []), "structured_output", "nostream"],
    });
    return { draft: MissionDraftSchema.parse(draft) };
  };
}

export function createMissionNode(deps: CommanderDeps) {
  return async (
    state: CommanderStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<CommanderStateUpdate> => {
    if (!state.draft) throw new Error("create_mission ran without a draft");
    const result = await deps.createMission.invoke(state.draft, config);
    const { mission_id } = JSON.parse(String(result)) as { mission_id: string };
    return { mission_id, phase: "created" };
  };
}
