import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import {
  AIMessage,
  AIMessageChunk,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { concat } from "@langchain/core/utils/stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedChatModel } from "../../../graphs/models/index.js";
import {
  SEED_INTERVIEW,
  TEACHING,
  confirmLearningGoal,
  markCheckpointComplete,
  scripted,
  withSession,
} from "./fixtures.js";

const polarisSystem = new SystemMessage("You are Polaris.");
const ada = withSession({ learner_name: "Ada" });
const seedUntil = (count: number) => SEED_INTERVIEW.slice(0, count).map((t) => new HumanMessage(t));

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk[]> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("ScriptedChatModel", () => {
  it("plays from the session the call carries, and refuses a call without one", async () => {
    const prompt = new SystemMessage("## Session context\n- learner_name: Grace");
    const greeting = await scripted("polaris").invoke([prompt, ...seedUntil(1)], ada);
    expect(greeting.text).toMatch(/^Hi Ada!/);
    await expect(scripted("polaris").invoke([prompt, ...seedUntil(1)])).rejects.toThrow(
      /polaris model call needs its session/,
    );
    await expect(
      scripted("mission_ally").invoke([], withSession({ task: "brief" })),
    ).rejects.toThrow(/learner_name/);
  });

  it("identifies itself as scripted and keeps its agent", () => {
    const model = new ScriptedChatModel({ agent: "mission_sensei" });
    expect(model._llmType()).toBe("scripted");
    expect(model.agent).toBe("mission_sensei");
  });

  it("streams the reply word by word and concatenates to exactly the invoked text", async () => {
    const model = scripted("polaris").bindTools([confirmLearningGoal]);
    const messages = [polarisSystem, ...seedUntil(4)];
    const invoked = await model.invoke(messages, ada);
    const chunks = await collect(await model.stream(messages, ada));

    expect(chunks.length).toBeGreaterThan(10);
    const joined = chunks.map((chunk) => chunk.text).join("");
    expect(joined).toBe(invoked.text);
    expect(chunks.slice(0, -1).every((chunk) => chunk.text.trim().split(/\s+/).length === 1)).toBe(
      true,
    );
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("streams tool calls in a final chunk", async () => {
    const model = scripted("polaris").bindTools([confirmLearningGoal]);
    const chunks = await collect(await model.stream([polarisSystem, ...seedUntil(5)], ada));
    const last = chunks.at(-1)!;
    expect(last.tool_call_chunks).toHaveLength(1);
    expect(last.tool_call_chunks?.[0]?.id).toMatch(/^call_/);
    expect(JSON.parse(last.tool_call_chunks?.[0]?.args ?? "")).toEqual({
      topic: "Python for data analysis",
      level: "Beginner",
      outcome: "analyze business data",
    });

    const message = chunks.reduce((all, chunk) => concat(all, chunk));
    expect(message.text).toBe("");
    expect(message.tool_calls?.[0]?.name).toBe("confirm_learning_goal");
    expect(message.usage_metadata?.output_tokens).toBe(0);
  });

  it("reports every streamed piece to callbacks, also when a streaming handler invokes it", async () => {
    const tokens: string[] = [];
    const recordTokens = () =>
      BaseCallbackHandler.fromMethods({
        handleLLMNewToken(token, _idx, _runId, _parentRunId, _tags, fields) {
          if (fields?.chunk === undefined) throw new Error("token without its chunk");
          tokens.push(token);
        },
      });
    const model = scripted("polaris").bindTools([confirmLearningGoal]);
    const messages = [polarisSystem, ...seedUntil(1)];
    const streamed = await collect(
      await model.stream(messages, { ...ada, callbacks: [recordTokens()] }),
    );
    const text = streamed.map((chunk) => chunk.text).join("");
    expect(tokens.join("")).toBe(text);
    expect(tokens.length).toBe(streamed.length);

    // LangGraph's "messages" stream mode registers a handler like this one.
    tokens.length = 0;
    const streamingHandler = Object.assign(recordTokens(), { lc_prefer_streaming: true });
    const invoked = await model.invoke(messages, { ...ada, callbacks: [streamingHandler] });
    expect(invoked.text).toBe(text);
    expect(tokens.join("")).toBe(text);
  });

  it("gives invoked replies and tool calls ids, and usage as word counts", async () => {
    const model = scripted("polaris").bindTools([confirmLearningGoal]);
    const reply = await model.invoke([polarisSystem, ...seedUntil(5)], ada);
    expect(reply.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.tool_calls?.[0]?.id).toMatch(/^call_[0-9a-f-]{36}$/);
    expect(reply.usage_metadata?.input_tokens).toBeGreaterThan(0);
  });

  it("is deterministic: the same input gives the same text and tool calls", async () => {
    for (const count of [1, 2, 3, 4, 5]) {
      const model = scripted("polaris").bindTools([confirmLearningGoal]);
      const messages = [polarisSystem, ...seedUntil(count)];
      const first = await model.invoke(messages, ada);
      const second = await model.invoke(messages, ada);
      expect(second.text).toBe(first.text);
      expect(second.tool_calls?.map(({ name, args }) => ({ name, args }))).toEqual(
        first.tool_calls?.map(({ name, args }) => ({ name, args })),
      );
      expect(second.id).not.toBe(first.id);
    }
  });

  it("tolerates every kind of message in the history", async () => {
    const history: BaseMessage[] = [
      polarisSystem,
      new SystemMessage("An extra system note."),
      new HumanMessage({ content: [{ type: "text", text: "I want to learn Rust" }] }),
      new AIMessage({ content: [{ type: "text", text: "What would you like to do with it?" }] }),
      new AIMessage({
        content: "",
        tool_calls: [{ name: "lookup", args: {}, id: "call_x", type: "tool_call" }],
      }),
      new ToolMessage({ tool_call_id: "call_x", content: "I want to learn Haskell" }),
      new HumanMessage("Build a command-line tool"),
    ];
    const reply = await scripted("polaris").bindTools([confirmLearningGoal]).invoke(history, ada);
    expect(reply.text).toContain("experience do you have with Rust");
  });

  it("only calls tools that were bound", async () => {
    const unbound = await scripted("polaris").invoke([polarisSystem, ...seedUntil(5)], ada);
    expect(unbound.tool_calls ?? []).toEqual([]);
    expect(unbound.text).not.toBe("");

    const sensei = scripted("mission_sensei");
    const session = withSession({
      ...TEACHING,
      learner_name: "Ada",
      learner_level: "Beginner",
      learning_style: [],
      mission_title: "Python",
      checkpoint_number: 1,
      checkpoint_total: 4,
      checkpoint_title: "Basics",
      learner_turns_in_checkpoint: 3,
    });
    const answers = ["It stores values", "I would count rows", "confident"].map(
      (text) => new HumanMessage(text),
    );
    const unboundSensei = await sensei.invoke(answers, session);
    expect(unboundSensei.tool_calls ?? []).toEqual([]);
    const bound = await sensei.bindTools([markCheckpointComplete]).invoke(answers, session);
    expect(bound.tool_calls?.[0]?.name).toBe("mark_checkpoint_complete");
  });

  it("binds OpenAI-format tools, zod tool params and bare function declarations", async () => {
    const messages = [polarisSystem, ...seedUntil(5)];
    const parameters = { type: "object", properties: {} };
    const forms = [
      { type: "function", function: { name: "confirm_learning_goal", parameters } },
      { name: "confirm_learning_goal", description: "x", schema: z.object({ topic: z.string() }) },
      { name: "confirm_learning_goal", description: "x", parameters },
    ];
    for (const form of forms) {
      const reply = await scripted("polaris").bindTools([form]).invoke(messages, ada);
      expect(reply.tool_calls?.[0]?.name).toBe("confirm_learning_goal");
    }
    expect(() => scripted("polaris").bindTools([{ description: "no name" }])).toThrow(/name/);
  });

  it("accepts tool_choice when bound, as structured output may pass it", async () => {
    const model = scripted("polaris").bindTools([confirmLearningGoal], {
      tool_choice: "confirm_learning_goal",
    });
    const reply = await model.invoke([polarisSystem, ...seedUntil(5)], ada);
    expect(reply.tool_calls?.[0]?.name).toBe("confirm_learning_goal");
  });

  it("supports withStructuredOutput through the default implementation", async () => {
    const schema = z.object({ title: z.string(), byte_size_checkpoints: z.array(z.string()) });
    const parsed = await scripted("mission_curator")
      .withStructuredOutput(schema)
      .invoke([], withSession({ topic: "Go", level: "Advanced", outcome: "ship a web service" }));
    expect(parsed.title).toContain("Go");
    expect(parsed.byte_size_checkpoints).toHaveLength(5);
  });
});
