import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AgentName, Assessment } from "../../domain/index.js";
import type { ModelFactory } from "../../graphs/index.js";

/** A model factory that hands each agent the fake model given for it. */
export function fakeFactory(models: Partial<Record<AgentName, unknown>>): ModelFactory {
  return {
    kind: "scripted",
    describe: () => "fake",
    forAgent(agent) {
      const model = models[agent];
      if (!model) throw new Error(`no fake model for ${agent}`);
      return model as BaseChatModel;
    },
  };
}

let ids = 0;
/** A fresh id for a fake message; ids must be unique across agents or messages overwrite. */
export const nextId = (prefix: string) => `${prefix}-${ids++}`;

/** A fake agent reply that only talks. */
export const say = (text: string) => new AIMessage({ id: nextId("ai"), content: text });

/** A fake agent reply that calls one tool. */
export const call = (name: string, args: Record<string, unknown> = {}, content = "") =>
  new AIMessage({
    id: nextId("ai"),
    content,
    tool_calls: [{ name, args, id: nextId("call"), type: "tool_call" }],
  });

/**
 * A curator stand-in whose structured output answers, call by call, with the given values (an
 * Error is thrown), and records the messages of each call.
 */
export function structuredAnswers(answers: unknown[]) {
  const calls: BaseMessage[][] = [];
  const model = {
    withStructuredOutput: () =>
      RunnableLambda.from(async (messages: BaseMessage[]) => {
        calls.push(messages);
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      }),
  };
  return { model, calls };
}

/** A fake teacher reply that asks `question` and records it. */
export const ask = (question: string, content = question) =>
  call("ask_question", { question }, content);

/** A question of checkpoint `checkpoint`, answered and understood. */
export const answered = (
  checkpoint: number,
  question = "Why?",
  answer = "Because.",
): Assessment => ({
  checkpoint,
  question,
  asked_at: "2026-01-01T00:00:00.000Z",
  status: "closed",
  answer,
  answered_at: "2026-01-01T00:01:00.000Z",
  verdict: "understood",
  verdict_reason: "Right.",
  not_answers: [],
});
