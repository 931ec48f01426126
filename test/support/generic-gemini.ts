import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  GenerateContentRequest,
  googleError,
  parseModelPath,
  type Content,
  type GenerateContentResponse,
  type Part,
} from "../../evals/gemini-replay/gemini-wire.js";
import { readBody, sendJson } from "../../evals/gemini-replay/http.js";
import { encodeSse, streamChunks } from "../../evals/gemini-replay/stream.js";

// A stand-in for Gemini that knows nothing but each request: no prompts, no graphs, no sessions.
// It checks a request the way Gemini does, and answers it from what the request declares: JSON
// for a response schema, a call to a declared function when the learner agrees, plain talk
// otherwise.

/** A JSON schema, as Gemini receives it for function parameters and response schemas. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Schema;
}

/** What the stand-in answers with: parts of the model's turn. */
export type Answer = Part[];

/** Decides the answer to a request that Gemini would accept. */
export type AnswerPolicy = (request: GenerateContentRequest) => Answer;

export interface GenericGeminiOptions {
  /**
   * Answer the first request after each function response with an empty reply (`STOP`, no parts),
   * as Gemini 2.5 sometimes does; the same request sent again gets a real answer.
   */
  emptyAfterFunctionResponse?: boolean;
  /** Decides each answer; `answerFromRequest` by default. */
  policy?: AnswerPolicy;
}

export interface GenericGemini {
  url: string;
  /** Every request it was sent, in order. */
  readonly requests: { stream: boolean; body: GenerateContentRequest }[];
  /** Requests Gemini would have refused (400), with the reason. */
  readonly rejected: string[];
  /** How many empty replies it gave. */
  readonly empties: number;
  stop(): Promise<void>;
}

const AGREES =
  /\b(yes|yeah|yep|sure|ok(ay)?|ready|correct|confident|sounds (good|great)|let'?s (go|start|begin|do it))\b/i;

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

const label = (name: string) => {
  const spaced = name.replace(/[_-]+/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

/** A value that satisfies `schema`: every property, the fewest array items allowed (at least one), distinct strings. */
export function valueFor(schema: Schema, name = "value", position?: number): unknown {
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return valueFor(schema.anyOf[0]!, name, position);
  const type = Array.isArray(schema.type)
    ? schema.type.find((t) => t !== "null")
    : (schema.type ?? (schema.properties ? "object" : undefined));
  switch (type?.toLowerCase()) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, valueFor(inner, key)]),
      );
    case "array": {
      const count = Math.min(Math.max(schema.minItems ?? 1, 1), schema.maxItems ?? Infinity);
      return Array.from({ length: count }, (_, i) => valueFor(schema.items ?? {}, name, i));
    }
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    default: {
      let text = position === undefined ? label(name) : `${label(name)} ${position + 1}`;
      while (text.length < (schema.minLength ?? 1)) text += ".";
      return text.slice(0, schema.maxLength ?? text.length);
    }
  }
}

function declarations(request: GenerateContentRequest): FunctionDeclaration[] {
  return (request.tools ?? []).flatMap((tool) =>
    Array.isArray(tool["functionDeclarations"])
      ? (tool["functionDeclarations"] as FunctionDeclaration[])
      : [],
  );
}

const responseSchemaOf = (request: GenerateContentRequest) =>
  (request.generationConfig?.responseSchema ?? request.generationConfig?.["responseJsonSchema"]) as
    Schema | undefined;

const textOf = (content: Content | undefined) =>
  (content?.parts ?? [])
    .filter((p) => !p.thought)
    .map((p) => p.text ?? "")
    .join(" ")
    .trim();

/**
 * A short reply that ends with `question`; when the request declares a function that takes a
 * `question`, the reply records its question with it, as a tool-using model does.
 */
function asking(request: GenerateContentRequest, text: string, question: string): Answer {
  const recorder = declarations(request).find((d) => d.parameters?.required?.includes("question"));
  const reply: Answer = [{ text: `${text} ${question}` }];
  return recorder
    ? [...reply, { functionCall: { name: recorder.name, args: { question } } }]
    : reply;
}

/**
 * The default policy, from the request alone: JSON for a response schema; a call to the first
 * declared function, with arguments built from its parameter schema, when the learner's last
 * message agrees to something; after a function response, or otherwise, a short plain reply that
 * ends with a question.
 */
export const answerFromRequest: AnswerPolicy = (request) => {
  const schema = responseSchemaOf(request);
  if (schema) return [{ text: JSON.stringify(valueFor(schema)) }];
  const last = request.contents.at(-1);
  if (last?.parts.some((p) => p.functionResponse)) {
    return asking(request, "Done. Shall we carry on?", "What would you like to look at next?");
  }
  const said = textOf(last);
  const [declared] = declarations(request);
  if (declared && AGREES.test(said)) {
    return [
      {
        functionCall: {
          name: declared.name,
          args: valueFor(declared.parameters ?? { type: "object" }) as Record<string, unknown>,
        },
      },
    ];
  }
  const quoted = said.length > 60 ? `${said.slice(0, 59)}…` : said;
  return asking(
    request,
    `You said: “${quoted}”. Thanks, that helps.`,
    "Can you tell me a little more?",
  );
};

const EMPTY_TEXT =
  "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.";
const CALLS_UNANSWERED =
  "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
const RESPONSE_WITHOUT_CALL =
  "Please ensure that function response turn comes immediately after a function call turn.";

const count = (content: Content | undefined, kind: "functionCall" | "functionResponse") =>
  (content?.parts ?? []).filter((p) => p[kind]).length;

/** Why Gemini would refuse this request with 400 INVALID_ARGUMENT, or undefined if it would not. */
export function refusalOf(request: GenerateContentRequest): string | undefined {
  if (request.contents.length === 0)
    return "* GenerateContentRequest.contents: contents is not specified";
  for (const [index, content] of request.contents.entries()) {
    if (content.parts.length === 0)
      return `* GenerateContentRequest.contents[${index}].parts: must not be empty`;
    if (content.parts.some((p) => p.text === "")) return EMPTY_TEXT;
    const calls = count(content, "functionCall");
    if (calls > 0 && calls !== count(request.contents[index + 1], "functionResponse")) {
      return CALLS_UNANSWERED;
    }
    if (
      count(content, "functionResponse") > 0 &&
      count(request.contents[index - 1], "functionCall") === 0
    ) {
      return RESPONSE_WITHOUT_CALL;
    }
  }
  return undefined;
}

function response(parts: Answer, request: GenerateContentRequest): GenerateContentResponse {
  const prompt = request.contents.reduce((total, content) => total + words(textOf(content)), 0);
  const output = parts.reduce(
    (total, part) => total + words(part.text ?? "") + (part.functionCall ? 5 : 0),
    0,
  );
  const thoughts = 8;
  return {
    candidates: [
      {
        // Gemini leaves the parts out of an empty reply altogether.
        content: (parts.length > 0 ? { role: "model", parts } : { role: "model" }) as Content,
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: output,
      thoughtsTokenCount: thoughts,
      totalTokenCount: prompt + output + thoughts,
    },
  };
}

export async function startGenericGemini(
  options: GenericGeminiOptions = {},
): Promise<GenericGemini> {
  const policy = options.policy ?? answerFromRequest;
  const requests: GenericGemini["requests"] = [];
  const rejected: string[] = [];
  const seen = new Set<string>();
  let empties = 0;

  function answer(request: GenerateContentRequest): GenerateContentResponse {
    const key = createHash("sha256")
      .update(JSON.stringify([request.systemInstruction, request.contents]))
      .digest("hex");
    const afterResponse = request.contents.at(-1)?.parts.some((p) => p.functionResponse) ?? false;
    const first = !seen.has(key);
    seen.add(key);
    if (options.emptyAfterFunctionResponse && afterResponse && first) {
      empties += 1;
      return response([], request);
    }
    return response(policy(request), request);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const target = req.method === "POST" ? parseModelPath(url.pathname) : null;
    if (!target)
      return sendJson(res, 404, googleError(404, "NOT_FOUND", `No method at ${url.pathname}`));
    let request: GenerateContentRequest;
    try {
      request = GenerateContentRequest.parse(JSON.parse(await readBody(req)));
    } catch {
      return sendJson(
        res,
        400,
        googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
      );
    }
    const stream = target.method === "streamGenerateContent";
    requests.push({ stream, body: request });
    const refusal = refusalOf(request);
    if (refusal) {
      rejected.push(refusal);
      return sendJson(res, 400, googleError(400, "INVALID_ARGUMENT", refusal));
    }
    const answered = answer(request);
    if (!stream) return sendJson(res, 200, answered);
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(encodeSse(streamChunks(answered)));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rejected,
    get empties() {
      return empties;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
