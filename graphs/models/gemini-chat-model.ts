import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk } from "@langchain/core/outputs";
import { ChatGoogleGenerativeAI, type GoogleGenerativeAIChatInput } from "@langchain/google-genai";

export interface GeminiChatModelFields extends GoogleGenerativeAIChatInput {
  /** Time limit for one request to Gemini; a retry gets a fresh one. */
  timeoutMs: number;
}

interface RawCandidate {
  content?: { role?: string; parts?: unknown[] };
  finishReason?: string;
}

interface RawResponse {
  candidates?: RawCandidate[];
  promptFeedback?: { blockReason?: string };
}

interface RequestOptions {
  signal?: AbortSignal;
}

/** The part of the SDK client this class re-wraps. */
interface GeminiClient {
  generateContent(request: unknown, options?: RequestOptions): Promise<{ response: RawResponse }>;
  generateContentStream(
    request: unknown,
    options?: RequestOptions,
  ): Promise<{ stream: AsyncGenerator<RawResponse>; response: Promise<unknown> }>;
}

/**
 * Gives a response without content (a blocked prompt, a refused answer, an answer cut off before
 * any text) an empty text part, so that its finish reason reaches the caller. Left alone,
 * `invoke` throws for such a response and a token stream silently drops it.
 */
function keepFinishReason(response: RawResponse): RawResponse {
  const [candidate] = response.candidates ?? [];
  const emptyText = { role: "model", parts: [{ text: "" }] };
  if (!candidate) {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason) {
      response.candidates = [{ content: emptyText, finishReason: blockReason }];
    }
  } else if (!candidate.content?.parts?.length && candidate.finishReason) {
    candidate.content = emptyText;
  }
  return response;
}

async function* keepFinishReasons(stream: AsyncGenerator<RawResponse>) {
  for await (const response of stream) yield keepFinishReason(response);
}

/**
 * `ChatGoogleGenerativeAI` with a time limit per request and Gemini's finish reason on every reply
 * (`response_metadata.finishReason`), streamed or not, so that SAFETY and MAX_TOKENS can be
 * answered kindly instead of failing the turn.
 */
export class GeminiChatModel extends ChatGoogleGenerativeAI {
  readonly timeoutMs: number;

  constructor(fields: GeminiChatModelFields) {
    super(fields);
    this.timeoutMs = fields.timeoutMs;
    // The SDK client is private in the typings. Both of its calls are wrapped here: the parent
    // sends no abort signal with non-streaming requests, so the time limit has to be added below it.
    const client = (this as unknown as { client: GeminiClient }).client;
    const generate = client.generateContent.bind(client);
    const generateStream = client.generateContentStream.bind(client);
    const limited = (options?: RequestOptions): RequestOptions => {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      return {
        ...options,
        signal: options?.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      };
    };
    client.generateContent = async (request, options) => {
      const result = await generate(request, limited(options));
      return { ...result, response: keepFinishReason(result.response) };
    };
    client.generateContentStream = async (request, options) => {
      const result = await generateStream(request, limited(options));
      // Nobody reads the aggregated response; a broken stream must not reject it unobserved.
      result.response.catch(() => undefined);
      return { ...result, stream: keepFinishReasons(result.stream) };
    };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      const finishReason: unknown = chunk.generationInfo?.finishReason;
      if (typeof finishReason === "string") {
        chunk.message.response_metadata = { ...chunk.message.response_metadata, finishReason };
      }
      yield chunk;
    }
  }
}
