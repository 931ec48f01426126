import { isOpenAITool, type ToolDefinition } from "@langchain/core/language_models/base";
import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import type { BoundTool } from "./types.js";

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

/**
 * Normalises anything `bindTools` accepts to the OpenAI tool format: LangChain tools and
 * zod-schema tool params are converted, OpenAI tools pass through, and bare function
 * declarations (`{ name, description, parameters }`, as Gemini and Anthropic write them) are wrapped.
 */
export function toToolDefinition(tool: BindToolsInput): ToolDefinition {
  const converted = convertToOpenAITool(tool);
  if (isOpenAITool(converted)) return converted;
  const declaration: Record<string, unknown> = { ...tool };
  if (typeof declaration["name"] !== "string") {
    throw new Error("ScriptedChatModel.bindTools: every tool needs a name");
  }
  const schema = declaration["parameters"] ?? declaration["input_schema"];
  return {
    type: "function",
    function: {
      name: declaration["name"],
      description: typeof declaration["description"] === "string" ? declaration["description"] : "",
      parameters: isRecord(schema) ? schema : EMPTY_OBJECT_SCHEMA,
    },
  };
}

export function toBoundTool(definition: ToolDefinition): BoundTool {
  const { name, description, parameters } = definition.function;
  return { name, description: description ?? "", parameters: { ...parameters } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
