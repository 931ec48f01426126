import { randomUUID } from "node:crypto";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseLanguageModelInput, ToolDefinition } from "@langchain/core/language_models/base";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage, type UsageMetadata } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import type { AgentName } from "../../../domain/index.js";
import { playScript } from "./scripts.js";
import { toBoundTool, toToolDefinition } from "./tool-definitions.js";
import type { ScriptedReply } from "./types.js";

export interface ScriptedChatModelCallOptions extends BaseChatModelCallOptions {
  tools?: ToolDefinition[];
  /** The agent's session (`graphs/agent-sessions.ts`), which the graph nodes pass with each call. */
  context?: unknown;
}

export interface ScriptedChatModelFields extends BaseChatModelParams {
  agent: AgentName;
}

/** Word-sized pieces whose concatenation is exactly `text` (whitespace stays attached). */
function streamPieces(text: string): string[] {
  return text.match(/\s+|\S+\s*/g) ?? [];
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * The offline model: a deterministic chat model that plays one agent's role from a script. It
 * reads the agent's session from the call's run-time context, never from the prompt text. The
 * same messages, session and bound tools always give the same text and tool calls; only message
 * and tool-call ids differ between calls.
 */
export class ScriptedChatModel extends BaseChatModel<ScriptedChatModelCallOptions> {
  readonly agent: AgentName;

  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  constructor(fields: ScriptedChatModelFields) {
    super(fields);
    this.agent = fields.agent;
  }

  _llmType(): string {
    return "scripted";
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedChatModelCallOptions> {
    return this.withConfig({ tools: tools.map(toToolDefinition), ...kwargs });
  }

  private reply(messages: BaseMessage[], options: this["ParsedCallOptions"]): ScriptedReply {
    return playScript(this.agent, {
      messages,
      options,
      tools: (options.tools ?? []).map(toBoundTool),
    });
  }

  private usage(messages: BaseMessage[], reply: ScriptedReply): UsageMetadata {
    const input = messages.reduce((total, message) => total + wordCount(message.text), 0);
    const output = wordCount(reply.text);
    return { input_tokens: input, output_tokens: output, total_tokens: input + output };
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
  ): Promise<ChatResult> {
    const reply = this.reply(messages, options);
    // An "ai" message in chunk form: BaseChatModel's default withStructuredOutput only accepts chunks.
    const message = new AIMessageChunk({
      id: randomUUID(),
      content: reply.text,
      tool_calls: (reply.toolCalls ?? []).map((call) => ({
        ...call,
        id: `call_${randomUUID()}`,
        type: "tool_call" as const,
      })),
      usage_metadata: this.usage(messages, reply),
    });
    return { generations: [{ text: reply.text, message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const reply = this.reply(messages, options);
    const id = randomUUID();
    for (const piece of streamPieces(reply.text)) {
      const chunk = new ChatGenerationChunk({
        text: piece,
        message: new AIMessageChunk({ id, content: piece }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(piece, undefined, undefined, undefined, undefined, {
        chunk,
      });
    }
    // The closing chunk carries the tool calls and usage, and guarantees a non-empty stream.
    const final = new ChatGenerationChunk({
      text: "",
      message: new AIMessageChunk({
        id,
        content: "",
        tool_call_chunks: (reply.toolCalls ?? []).map((call, index) => ({
          type: "tool_call_chunk" as const,
          name: call.name,
          args: JSON.stringify(call.args),
          id: `call_${randomUUID()}`,
          index,
        })),
        usage_metadata: this.usage(messages, reply),
      }),
    });
    yield final;
    await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, {
      chunk: final,
    });
  }
}
