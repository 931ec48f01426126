import { SystemMessage, ToolMessage } from "@langchain/core/messages";
import { END, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { AGENTS, NODES, readAllyContext } from "../../domain/index.js";
import { startCheckpoint } from "../../tools/index.js";
import { replyForLearner, wasRefused, type ModelFactory } from "../models/index.js";
import { promptValues, withSession, type LuminaTask } from "../agent-sessions.js";
import { renderPrompt } from "../prompts.js";
import { luminaSession } from "./sessions.js";
import type { AllyStateUpdate, AllyStateValue } from "./state.js";

function taskFor(state: AllyStateValue): LuminaTask {
  if (state.phase === "greeting") return "greet_and_brief";
  if (state.phase === "wrap_up") return "wrap_up";
  return state.just_completed ? "brief" : "converse";
}

/** Lumina: greets, briefs each checkpoint, handles the learner's reply to it, and wraps up. */
export function luminaNode(models: ModelFactory) {
  const model = models.forAgent(AGENTS.ally);
  const conversing = model.bindTools!([startCheckpoint]);
  return async (
    state: AllyStateValue,
    config: LangGraphRunnableConfig,
  ): Promise<AllyStateUpdate> => {
    const task = taskFor(state);
    const context = readAllyContext(config);
    const session = luminaSession(state, context, task);
    const system = new SystemMessage(
      renderPrompt("ally/lumina.md", promptValues(session), context.prompts_dir),
    );
    const reply = await replyForLearner(
      task === "converse" ? conversing : model,
      [system, ...state.messages],
      withSession(config, session),
      {
        backTo: task === "wrap_up" ? "celebrating your mission" : `**${session.checkpoint_title}**`,
        tools: task === "converse" ? [startCheckpoint.name] : [],
      },
    );
    // A refused greeting, briefing or wrap-up is given again on the learner's next message.
    if (wasRefused(reply)) return { messages: [reply] };
    if (task === "greet_and_brief") return { messages: [reply], phase: "briefing" };
    if (task === "wrap_up") return { messages: [reply], phase: "done", just_completed: null };
    if (task === "brief") return { messages: [reply], just_completed: null };

    const [call] = reply.tool_calls ?? [];
    if (!call) return { messages: [reply] };
    return {
      messages: [
        reply,
        new ToolMessage({
          tool_call_id: call.id ?? startCheckpoint.name,
          content: "Teaching begins.",
        }),
      ],
      phase: "teaching",
      active_agent: AGENTS.sensei,
      learner_turns_in_checkpoint: 0,
      assessments: [],
      last_reply: null,
    };
  };
}

/** After Lumina: hand over to the sensei when teaching starts, close after the wrap-up. */
export function afterLumina(state: AllyStateValue) {
  if (state.phase === "teaching") return NODES.sensei;
  return state.phase === "done" ? NODES.closeSession : END;
}
