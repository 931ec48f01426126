import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { AGENTS, type AgentName } from "../../domain/index.js";
import { ScriptedChatModel } from "../../graphs/models/index.js";
import { loadPrompt } from "../../graphs/prompts.js";
import {
  GenerateContentRequest,
  googleError,
  parseModelPath,
  type GenerateContentResponse,
  type Part,
} from "./gemini-wire.js";
import { readBody, sendJson } from "./http.js";
import { sessionFromPrompt } from "./prompt-session.js";
import { encodeSse, streamChunks } from "./stream.js";

/** Every prompt an agent is called with, by file. */
const PROMPTS: [file: string, agent: AgentName][] = [
  ["commander/polaris.md", AGENTS.polaris],
  ["commander/mission_curator.md", AGENTS.curator],
  ["ally/lumina.md", AGENTS.ally],
  ["ally/mission_sensei.md", AGENTS.sensei],
  ["ally/mission_sensei_check.md", AGENTS.sensei],
];

const STRUCTURED_OUTPUT = "structured_output";

/** The thinking tokens each scripted answer reports, as Gemini 2.5's usage does. */
const THINKING_TOKENS = 24;

const firstLine = (text: string) => text.trimStart().split("\n", 1)[0]?.trim() ?? "";

/** Which agent a system instruction belongs to, by the title line of its prompt file. */
function agentFor(system: string): AgentName | undefined {
  return PROMPTS.find(([file]) => firstLine(loadPrompt(file)) === firstLine(system))?.[1];
}

const textOf = (parts: Part[]) => parts.map((p) => (p.thought ? "" : (p.text ?? ""))).join("");

/** The request's conversation as LangChain messages, with tool-call ids made up to pair calls and results. */
function toMessages(system: string, body: GenerateContentRequest): BaseMessage[] {
  const messages: BaseMessage[] = [new SystemMessage(system)];
  let calls: { id: string; name: string }[] = [];
  let next = 0;
  for (const content of body.contents) {
    if (content.role === "model") {
      const toolCalls = content.parts.flatMap((p) =>
        p.functionCall
          ? [{ id: `call_${next++}`, name: p.functionCall.name, args: p.functionCall.args ?? {} }]
          : [],
      );
      calls = toolCalls.map(({ id, name }) => ({ id, name }));
      messages.push(new AIMessage({ content: textOf(content.parts), tool_calls: toolCalls }));
      continue;
    }
    for (const part of content.parts) {
      if (!part.functionResponse) continue;
      const { name, response } = part.functionResponse;
      const result = (response as { result?: unknown } | undefined)?.result;
      const index = calls.findIndex((c) => c.name === name);
      const [call] = index >= 0 ? calls.splice(index, 1) : [{ id: `call_${next++}`, name }];
      messages.push(
        new ToolMessage({
          name,
          tool_call_id: call!.id,
          content: typeof result === "string" ? result : JSON.stringify(response),
        }),
      );
    }
    const text = textOf(content.parts);
    if (text) messages.push(new HumanMessage(text));
  }
  return messages;
}

/** The tools the request declares, plus its response schema as a tool the curator script can fill. */
function toolsOf(body: GenerateContentRequest) {
  const declarations = (body.tools ?? []).flatMap((tool) =>
    Array.isArray(tool["functionDeclarations"])
      ? (tool["functionDeclarations"] as {
          name: string;
          description?: string;
          parameters?: unknown;
        }[])
      : [],
  );
  const schema = body.generationConfig?.responseSchema;
  return [
    ...declarations.map((d) => ({
      name: d.name,
      description: d.description ?? "",
      parameters: d.parameters ?? { type: "object", properties: {} },
    })),
    ...(schema ? [{ name: STRUCTURED_OUTPUT, description: "The answer", parameters: schema }] : []),
  ];
}

async function answer(
  model: string,
  body: GenerateContentRequest,
): Promise<GenerateContentResponse> {
  const system =
    typeof body.systemInstruction === "string"
      ? body.systemInstruction
      : textOf(body.systemInstruction?.parts ?? []);
  const agent = agentFor(system);
  if (!agent) throw new Error("the system instruction is not one of the agents' prompts");
  const tools = toolsOf(body);
  const scripted = new ScriptedChatModel({ agent });
  const runnable = tools.length > 0 ? scripted.bindTools(tools) : scripted;
  const reply = await runnable.invoke(toMessages(system, body), {
    context: sessionFromPrompt(agent, system),
  });
  const calls = reply.tool_calls ?? [];
  const structured = calls.find((call) => call.name === STRUCTURED_OUTPUT);
  const parts: Part[] = structured
    ? [{ text: JSON.stringify(structured.args) }]
    : [
        ...(reply.text ? [{ text: reply.text }] : []),
        ...calls.map((call) => ({ functionCall: { name: call.name, args: call.args } })),
      ];
  const usage = reply.usage_metadata;
  // Gemini 2.5 thinks before it answers, and bills the thinking apart from the answer.
  const thoughts = THINKING_TOKENS;
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount: usage?.input_tokens ?? 0,
      candidatesTokenCount: usage?.output_tokens ?? 0,
      thoughtsTokenCount: thoughts,
      totalTokenCount: (usage?.total_tokens ?? 0) + thoughts,
    },
    modelVersion: model,
  };
}

/** What one request to the stand-in carried: what a bill for it would count. */
export interface ScriptedGeminiCall {
  promptTokens: number;
  /** Turns of conversation in the request (`contents`), the system instruction aside. */
  contents: number;
  requestBytes: number;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  onCall?: (call: ScriptedGeminiCall) => void,
) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const target = req.method === "POST" ? parseModelPath(url.pathname) : null;
  const fail = (status: number, message: string) =>
    sendJson(
      res,
      status,
      googleError(status, status === 404 ? "NOT_FOUND" : "INVALID_ARGUMENT", message),
    );
  if (!target) return fail(404, `No Gemini method at ${url.pathname}`);
  let body: GenerateContentRequest;
  let raw: string;
  try {
    raw = await readBody(req);
    body = GenerateContentRequest.parse(JSON.parse(raw));
  } catch {
    return fail(400, "Invalid request body");
  }
  let response: GenerateContentResponse;
  try {
    response = await answer(target.model, body);
  } catch (err) {
    return fail(400, (err as Error).message);
  }
  onCall?.({
    promptTokens: response.usageMetadata?.promptTokenCount ?? 0,
    contents: body.contents.length,
    requestBytes: Buffer.byteLength(raw),
  });
  if (target.method === "streamGenerateContent") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(encodeSse(streamChunks(response)));
  } else {
    sendJson(res, 200, response);
  }
}

/**
 * A Gemini API stand-in answered by the offline scripted tutor: each request becomes LangChain
 * messages for the agent whose prompt it carries, played with the session read back from that
 * prompt (as Gemini reads it), and the scripted reply goes back in Gemini's
 * response format (text parts, function calls, usage, STOP). Record mode pointed at it writes
 * cassettes without a Gemini key. `onCall` hears of every request it answered.
 */
export async function startScriptedGemini(
  options: { port?: number; onCall?: (call: ScriptedGeminiCall) => void } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res, options.onCall).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
