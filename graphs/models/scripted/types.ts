import type { BaseMessage } from "@langchain/core/messages";

/** A tool the caller bound to the model, as the scripts see it. */
export interface BoundTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ScriptedReply {
  text: string;
  toolCalls?: ScriptedToolCall[];
}

export interface ScriptInput {
  messages: BaseMessage[];
  context: Record<string, string>;
  tools: BoundTool[];
}

export type Script = (input: ScriptInput) => ScriptedReply;
