import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AIMessageChunk } from "@langchain/core/messages";
import { GeminiChatModel, finishReasonOf } from "../../graphs/models/index.js";

// GeminiChatModel against a bare HTTP server that answers every request with one fixed body.

let server: Server | undefined;
let requests = 0;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  requests = 0;
});

async function answering(body: object | string, delayMs = 0): Promise<string> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on("end", () => {
      setTimeout(() => {
        const stream = req.url?.includes("alt=sse");
        res.writeHead(200, { "content-type": stream ? "text/event-stream" : "application/json" });
        res.end(stream ? `data: ${text}\r\n\r\n` : text);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

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

  it("still fails on a response with neither candidates nor a block reason", async () => {
    const url = await answering({ candidates: [], usageMetadata: USAGE });
    await expect(model(url).invoke("hello")).rejects.toThrow(/no content/);
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
