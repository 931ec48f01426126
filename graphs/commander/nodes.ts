import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { OutputParserException } from "@langchain/core/output_parsers";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  AGENTS,
  MissionDraftSchema,
  readCommanderContext,
  type MissionDraft,
} from "../../domain/index.js";
import {
  LearningGoalSchema,
  confirmLearningGoal,
  type LearningGoal,
  type createMissionTool,
} from "../../tools/index.js";
import { replyForLearner, wasRefused, type ModelFactory } from "../models/index.js";
import { promptValues, withSession, type AgentSession } from "../agent-sessions.js";
import { conversationRepairs } from "../conversation-repair.js";
import { dialogueCut } from "../dialogue.js";
import { renderPrompt } from "../prompts.js";
import type { CommanderStateUpdate, CommanderStateValue } from "./state.js";

export interface CommanderDeps {
  models: ModelFactory;
  createMission: ReturnType<typeof createMissionTool>;
}

/**
 * What the curator writes. The level is the one the learner confirmed and every new mission is
 * public, so the server fills those in rather than asking for values that can only be wrong.
 */
export const CuratedMissionSchema = MissionDraftSchema.omit({ level: true, is_public: true });

const CURATION_FAILED =
  "I couldn't put a mission together from that goal just now. Could you describe what you'd like to learn in a different way?";

/**
 * Learner turns of the interview the agents keep: enough for Polaris to summarise a goal the
 * learner gave over several messages; the goal itself is kept in state once confirmed.
 */
export const INTERVIEW_TURNS = 10;

/**
 * Runs first on every learner turn: repairs a conversation stored by an earlier version, and keeps
 * the interview to its last `INTERVIEW_TURNS` turns, so a learner who never confirms a goal cannot
 * grow the state without limit. The transcript log keeps every message.
 */
export function intake(state: CommanderStateValue): CommanderStateUpdate {
  const cut = dialogueCut(state.messages, INTERVIEW_TURNS);
  const removed = new Set<string | undefined>(cut.map((m) => m.id));
  const repairs = conversationRepairs(state.messages.filter((m) => !removed.has(m.id)));
  const messages = [...cut, ...repairs];
  return messages.length > 0 ? { messages } : {};
}

/**
 * The interview as the curator reads it, without any exchange Gemini refused (the learner's
 * message and the line that stood in for the answer): content that was blocked once would block
 * the curator too.
 */
function transcript(messages: BaseMessage[]): string {
  const refused = new Set<BaseMessage>();
  messages.forEach((message, index) => {
    if (!wasRefused(message)) return;
    refused.add(message);
    const asked = messages.slice(0, index).findLast((m) => m.type === "human");
    if (asked) refused.add(asked);
  });
  return messages
    .filter((m) => (m.type === "human" || m.type === "ai") && m.text.trim() !== "")
    .filter((m) => !refused.has(m))
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
    const reply = await replyForLearner(
      model,
      [system, ...state.messages],
      withSession(config, session),
      { backTo: "your learning goal", tools: [confirmLearningGoal.name] },
    );
    const [call] = reply.tool_calls ?? [];
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
    .withStructuredOutput(CuratedMissionSchema, { name: "mission" });

  /** The mission, or undefined when the model's answer was refused, blocked or malformed. */
  async function draft(
    messages: BaseMessage[],
    goal: LearningGoal,
    config: LangGraphRunnableConfig,
  ): Promise<MissionDraft | undefined> {
    let curated: unknown;
    try {
      curated = await model.invoke(messages, config);
    } catch (err) {
      // A refusal or a block leaves no JSON to parse, so it fails here like malformed JSON does.
      if (err instanceof OutputParserException) return undefined;
      throw err;
    }
    const mission = MissionDraftSchema.safeParse({
      ...(curated as object),
      level: goal.level,
      is_public: true,
    });
    return mission.success ? mission.data : undefined;
  }

  /**
   * Asks for the mission from the goal and the interview; if that answer is unusable, once more
   * from the goal alone, leaving out everything that could have been refused. If that fails too,
   * the learner hears so and the interview goes on, so a goal no mission can be made from never
   * leaves the conversation stuck.
   */
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
    const options = {
      ...withSession(config, session),
      tags: [...(config.tags ?? []), "structured_output", "nostream"],
    };
    const interview = transcript(state.messages);
    const goalOnly = `Topic: ${topic}\nLevel: ${level}\nOutcome: ${outcome}`;
    const mission =
      (interview && (await draft([system, new HumanMessage(interview)], state.goal, options))) ||
      (await draft([system, new HumanMessage(goalOnly)], state.goal, options));
    if (mission) return { draft: mission };
    return {
      messages: [new AIMessage({ id: crypto.randomUUID(), content: CURATION_FAILED })],
      phase: "interview",
      goal: null,
    };
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
