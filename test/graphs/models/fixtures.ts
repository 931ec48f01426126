import { HumanMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import type { AgentName } from "../../../domain/index.js";
import { ScriptedChatModel } from "../../../graphs/models/index.js";

/** A model call's options carrying the agent's session, as the graph nodes pass it. */
export function withSession(session: object): RunnableConfig & { context: object } {
  return { context: session };
}

/**
 * What the teacher is told while teaching besides its checkpoint; the offline script replays the
 * conversation instead, so these never change what it says.
 */
export const TEACHING = {
  task: "teach",
  open_question: null,
  learner_reply: "none",
  latest_verdict: "none",
  questions_answered: 0,
  completion: "not yet",
} as const;

export function scripted(agent: AgentName): ScriptedChatModel {
  return new ScriptedChatModel({ agent });
}

const Level = z.enum(["Beginner", "Intermediate", "Advanced"]);
const line = z.string().trim().min(1);

/** Local copies of the tool contracts the graphs bind. */
export const confirmLearningGoal = tool(async () => "Learning goal confirmed.", {
  name: "confirm_learning_goal",
  description: "Confirm the learner's goal.",
  schema: z.object({ topic: line, level: Level, outcome: line }),
});

export const startCheckpoint = tool(async () => "Teaching begins.", {
  name: "start_checkpoint",
  description: "Start teaching the briefed checkpoint.",
  schema: z.object({}),
});

export const markCheckpointComplete = tool(async () => "Checkpoint complete.", {
  name: "mark_checkpoint_complete",
  description: "Mark the current checkpoint complete.",
  schema: z.object({}),
});

export const askQuestion = tool(async () => "Question recorded.", {
  name: "ask_question",
  description: "Record the comprehension question you ask.",
  schema: z.object({ question: line }),
});

export const MissionDraftSchema = z.object({
  title: line.max(200),
  short_description: line.max(500),
  description: line.max(5000),
  level: Level,
  topics_to_cover: z.array(line).min(1).max(12),
  learning_goal: line.max(2000),
  byte_size_checkpoints: z.array(line.max(200)).min(4).max(6),
  skills: z.array(line).max(12),
  is_public: z.boolean(),
});

export const SEED_INTERVIEW = [
  "I want to learn Python for data analysis",
  "I want to analyze business data",
  "No, I'm a complete beginner",
  "About 5 hours per week",
  "Yes, that's correct",
];

export interface Turn {
  learner: string;
  reply: AIMessageChunk;
}

/**
 * Plays learner messages against a model one at a time, feeding each reply back into the
 * history the way the graphs do.
 */
export async function playConversation(
  model: { invoke(messages: BaseMessage[], options: object): Promise<AIMessageChunk> },
  session: object,
  learnerMessages: readonly string[],
): Promise<Turn[]> {
  const history: BaseMessage[] = [];
  const turns: Turn[] = [];
  for (const learner of learnerMessages) {
    history.push(new HumanMessage(learner));
    const reply = await model.invoke(history, withSession(session));
    history.push(reply);
    turns.push({ learner, reply });
  }
  return turns;
}

export function questionMarks(text: string): number {
  return text.split("?").length - 1;
}
