import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessageChunk, type BaseMessage, type UsageMetadata } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatGeneration, type ChatResult } from "@langchain/core/outputs";
import { ChatGoogleGenerativeAI, type GoogleGenerativeAIChatInput } from "@langchain/google-genai";
import { retryPolicy, toGeminiError } from "./gemini-errors.js";

export interface GeminiChatModelFields extends GoogleGenerativeAIChatInput {
  /**
   * Time limit for one request to Gemini; a retry gets a fresh one. A 429 that asks us to wait
   * longer than this fails at once.
   */
  timeoutMs: number;
}

interface RawUsage {
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
}

interface RawCandidate {
  content?: { role?: string; parts?: unknown[] };
  finishReason?: string;
  thoughtsTokenCount?: number;
}

interface RawResponse {
  candidates?: RawCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: RawUsage;
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
 * LangChain copies a candidate's fields into the generation info, so this is how a response's
 * thinking tokens reach the message; they are moved into its usage and removed again below.
 */
const THOUGHTS = "thoughtsTokenCount";

/** Gemini's catch-all finish reason, for a whole response that came back without an answer. */
const NO_CANDIDATE = "OTHER";

/**
 * Makes a raw response say everything it means in the form LangChain reads:
 * - a response without content (a blocked prompt, a refused or empty answer) gets an empty text
 *   part, so its finish reason reaches the caller (left alone, `invoke` throws and a token stream
 *   silently drops it); a whole response with no candidate at all is an empty answer;
 * - thinking tokens are billed as output, so they are counted in the output tokens, and handed on
 *   separately so the usage can show them apart.
 */
function normalise(response: RawResponse, whole: boolean): RawResponse {
  const emptyText = { role: "model", parts: [{ text: "" }] };
  let [candidate] = response.candidates ?? [];
  if (!candidate) {
    const reason = response.promptFeedback?.blockReason ?? (whole ? NO_CANDIDATE : undefined);
    if (reason) {
      candidate = { content: emptyText, finishReason: reason };
      response.candidates = [candidate];
    }
  } else if (!candidate.content?.parts?.length && (candidate.finishReason || whole)) {
    candidate.content = emptyText;
    candidate.finishReason ??= NO_CANDIDATE;
  }
  const usage = response.usageMetadata;
  if (candidate && usage?.thoughtsTokenCount) {
    usage.candidatesTokenCount = (usage.candidatesTokenCount ?? 0) + usage.thoughtsTokenCount;
    candidate[THOUGHTS] = usage.thoughtsTokenCount;
  }
  return response;
}

/** Takes the thinking tokens out of a generation's info and into its message's usage. */
function takeThoughts(generation: ChatGeneration, previous = 0): number | undefined {
  const info = generation.generationInfo;
  const total: unknown = info?.[THOUGHTS];
  if (typeof total !== "number") return undefined;
  delete info![THOUGHTS];
  const message = generation.message as AIMessageChunk;
  delete message.additional_kwargs[THOUGHTS];
  const usage: UsageMetadata | undefined = message.usage_metadata;
  if (usage) {
    usage.output_token_details = { ...usage.output_token_details, reasoning: total - previous };
  }
  return total;
}

/**
 * `ChatGoogleGenerativeAI` as Gemini really behaves:
 * - a time limit per request, and retries only of what can succeed on another attempt (never a
 *   4xx; a 429 after the `retryDelay` Gemini asks for, when that fits within the time limit);
 * - errors that say what failed (status and Gemini's message) without keys or raw bodies;
 * - Gemini's finish reason on every reply (`response_metadata.finishReason`), streamed or not, so
 *   that refusals, truncation and empty answers can be handled instead of failing the turn;
 * - thinking tokens counted as output and shown apart (`output_token_details.reasoning`).
 */
export class GeminiChatModel extends ChatGoogleGenerativeAI {
  readonly timeoutMs: number;

  constructor(fields: GeminiChatModelFields) {
    super({ ...fields, onFailedAttempt: fields.onFailedAttempt ?? retryPolicy(fields.timeoutMs) });
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
    const failure = (error: unknown, options?: RequestOptions) =>
      options?.signal?.aborted
        ? Object.assign(new Error("The request was abandoned"), { name: "AbortError" })
        : toGeminiError(error, this.apiKey);
    async function* normalised(stream: AsyncGenerator<RawResponse>, options?: RequestOptions) {
      try {
        for await (const response of stream) yield normalise(response, false);
      } catch (error) {
        throw failure(error, options);
      }
    }
    client.generateContent = async (request, options) => {
      try {
        const result = await generate(request, limited(options));
        return { ...result, response: normalise(result.response, true) };
      } catch (error) {
        throw failure(error, options);
      }
    };
    client.generateContentStream = async (request, options) => {
      try {
        const result = await generateStream(request, limited(options));
        // Nobody reads the aggregated response; a broken stream must not reject it unobserved.
        result.response.catch(() => undefined);
        return { ...result, stream: normalised(result.stream, options) };
      } catch (error) {
        throw failure(error, options);
      }
    };
  }

  override async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const result = await super._generate(messages, options, runManager);
    for (const generation of result.generations) takeThoughts(generation);
    return result;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    let thoughts = 0;
    let chunks = 0;
    for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
      thoughts = takeThoughts(chunk, thoughts) ?? thoughts;
      const finishReason: unknown = chunk.generationInfo?.finishReason;
      if (typeof finishReason === "string") {
        chunk.message.response_metadata = { ...chunk.message.response_metadata, finishReason };
      }
      chunks += 1;
      yield chunk;
    }
    if (chunks === 0) {
      // A stream without a single candidate is an empty answer, not a missing one.
      yield new ChatGenerationChunk({
        text: "",
        message: new AIMessageChunk({
          content: "",
          response_metadata: { finishReason: NO_CANDIDATE },
        }),
        generationInfo: { finishReason: NO_CANDIDATE },
      });
    }
  }
}
