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

/** What a script plays from: the conversation, the agent's session, and the tools bound. */
export interface ScriptInput<Session> {
  messages: BaseMessage[];
  session: Session;
  tools: BoundTool[];
}

export type Script<Session> = (input: ScriptInput<Session>) => ScriptedReply;
