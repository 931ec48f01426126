import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AIMessageChunk } from "@langchain/core/messages";
import { GeminiChatModel, GeminiRequestError, finishReasonOf } from "../../graphs/models/index.js";

// GeminiChatModel against a bare HTTP server that answers every request with one fixed body.

let server: Server | undefined;
let requests = 0;
const requestTimes: number[] = [];

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  requests = 0;
  requestTimes.length = 0;
});

interface Answer {
  status?: number;
  body: object | string;
}

/** Answers request n with `answers[n]`, and every later one with the last. */
async function answeringInTurn(answers: Answer[], delayMs = 0): Promise<string> {
  server = createServer((req, res) => {
    const { status = 200, body } = answers[Math.min(requests, answers.length - 1)]!;
    requests += 1;
    requestTimes.push(Date.now());
    const text = typeof body === "string" ? body : JSON.stringify(body);
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        const stream = status === 200 && req.url?.includes("alt=sse");
        res.writeHead(status, {
          "content-type": stream ? "text/event-stream" : "application/json",
        });
        res.end(stream ? `data: ${text}\r\n\r\n` : text);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const answering = (body: object | string, delayMs = 0) => answeringInTurn([{ body }], delayMs);

const model = (baseUrl: string, fields: { timeoutMs?: number; maxRetries?: number } = {}) =>
  new GeminiChatModel({
    model: "gemini-2.5-flash",
    apiKey: "test-key",
    baseUrl,
    maxRetries: fields.maxRetries ?? 0,
    timeoutMs: fields.timeoutMs ?? 5000,
  });

async function streamed(chat: GeminiChatModel): Promise<AIMessageChunk> {
  let whole: AIMessageChunk | undefined;
  for await (const chunk of await chat.stream("hello")) whole = whole ? whole.concat(chunk) : chunk;
  return whole!;
}

const USAGE = { promptTokenCount: 9, candidatesTokenCount: 0, totalTokenCount: 9 };

describe("GeminiChatModel", () => {
  it("returns a refused answer (SAFETY, no content) with its finish reason instead of throwing", async () => {
    const url = await answering({
      candidates: [{ finishReason: "SAFETY", index: 0, safetyRatings: [] }],
      usageMetadata: USAGE,
    });
    for (const message of [await model(url).invoke("hello"), await streamed(model(url))]) {
      expect(message.text).toBe("");
      expect(finishReasonOf(message)).toBe("SAFETY");
      expect(message.usage_metadata?.input_tokens).toBe(9);
    }
  });

  it("reports a blocked prompt (no candidates, a block reason) as a refusal", async () => {
    const url = await answering({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } });
    expect(finishReasonOf(await model(url).invoke("hello"))).toBe("PROHIBITED_CONTENT");
    expect(finishReasonOf(await streamed(model(url)))).toBe("PROHIBITED_CONTENT");
  });

  it("keeps the text and the MAX_TOKENS finish of a cut-off answer, streamed or not", async () => {
    const url = await answering({
      candidates: [
        {
          content: { role: "model", parts: [{ text: "Commits are snapshots of" }] },
          finishReason: "MAX_TOKENS",
          index: 0,
        },
      ],
    });
    for (const message of [await model(url).invoke("hello"), await streamed(model(url))]) {
      expect(message.text).toBe("Commits are snapshots of");
      expect(finishReasonOf(message)).toBe("MAX_TOKENS");
    }
  });

  it("returns a response with neither candidates nor a block reason as an empty answer", async () => {
    const url = await answering({ candidates: [], usageMetadata: USAGE });
    for (const message of [await model(url).invoke("hello"), await streamed(model(url))]) {
      expect(message.text).toBe("");
      expect(finishReasonOf(message)).toBe("OTHER");
    }
  });

  it("counts thinking tokens as output, and shows them apart, streamed or not", async () => {
    const url = await answering({
      candidates: [{ content: { role: "model", parts: [{ text: "Hi!" }] }, finishReason: "STOP" }],
      usageMetadata: {
        promptTokenCount: 9,
        candidatesTokenCount: 3,
        thoughtsTokenCount: 40,
        totalTokenCount: 52,
      },
    });
    for (const message of [await model(url).invoke("hello"), await streamed(model(url))]) {
      expect(message.usage_metadata).toMatchObject({
        input_tokens: 9,
        output_tokens: 43,
        total_tokens: 52,
        output_token_details: { reasoning: 40 },
      });
      expect(JSON.stringify(message.response_metadata)).not.toContain("thoughtsTokenCount");
      expect(JSON.stringify(message.additional_kwargs)).not.toContain("thoughtsTokenCount");
    }
  });

  it("fails a 4xx at once, with its status and Gemini's message, never the key", async () => {
    const url = await answeringInTurn([
      {
        status: 400,
        body: {
          error: {
            code: 400,
            status: "INVALID_ARGUMENT",
            message:
              "Unable to submit request because it has an empty text parameter. key=test-key",
            details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", key: "test-key" }],
          },
        },
      },
    ]);
    const failure = await model(url, { maxRetries: 2 })
      .invoke("hello")
      .catch((err: unknown) => err);
    expect(requests).toBe(1);
    expect(failure).toBeInstanceOf(GeminiRequestError);
    expect((failure as GeminiRequestError).status).toBe(400);
    expect((failure as Error).message).toBe(
      "Gemini answered HTTP 400 Bad Request: Unable to submit request because it has an empty text parameter. key=<key>",
    );
    expect((failure as Error).message).not.toContain("127.0.0.1");
  });

  const rateLimited = (retryDelay: string): Answer => ({
    status: 429,
    body: {
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "You exceeded your current quota, please check your plan and billing details.",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }],
      },
    },
  });
  const ok = { body: { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] } };

  it("waits as long as a 429's retryDelay asks when that fits within the time limit", async () => {
    const url = await answeringInTurn([rateLimited("2.5s"), ok]);
    expect((await model(url, { maxRetries: 1 }).invoke("hello")).text).toBe("Hi");
    expect(requests).toBe(2);
    expect(requestTimes[1]! - requestTimes[0]!).toBeGreaterThanOrEqual(2400);
  });

  it("fails a 429 at once when its retryDelay is longer than the time limit", async () => {
    const url = await answeringInTurn([rateLimited("120s"), ok]);
    const failure = await model(url, { maxRetries: 3 })
      .invoke("hello")
      .catch((err: unknown) => err);
    expect(requests).toBe(1);
    expect(failure).toMatchObject({ status: 429, retryDelayMs: 120_000 });
  });

  it("fails a stream that is not JSON without leaving a rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const url = await answering('{"candidates": [');
      await expect(streamed(model(url))).rejects.toThrow(/Error parsing JSON response/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("gives up on each request after timeoutMs, and retries with a fresh limit", async () => {
    const url = await answering({ candidates: [] }, 1500);
    const started = Date.now();
    await expect(model(url, { timeoutMs: 200, maxRetries: 1 }).invoke("hello")).rejects.toThrow(
      /aborted/,
    );
    // Two attempts that each waited for the 1.5 s answer would take over 3 s.
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(streamed(model(url, { timeoutMs: 200 }))).rejects.toThrow(/aborted/);
  });
});
