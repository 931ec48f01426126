import { createServer, type IncomingHttpHeaders } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import {
  CassetteError,
  normaliseRequest,
  parseSse,
  readCassette,
  requestKey,
  startGeminiReplay,
  writeCassette,
  type Cassette,
  type GeminiReplay,
} from "../../evals/gemini-replay/index.js";
import { GeminiChatModel } from "../../graphs/models/index.js";

const MODEL = "gemini-2.5-flash";
const dir = mkdtempSync(join(tmpdir(), "gemini-replay-"));
let counter = 0;
const cassettePath = () => join(dir, `cassette-${(counter += 1)}.json`);

let replay: GeminiReplay | undefined;
afterEach(async () => {
  await replay?.stop();
  replay = undefined;
});

const ASK = { contents: [{ role: "user", parts: [{ text: "What is a commit?" }] }] };
const ANSWER = {
  candidates: [
    {
      content: {
        role: "model",
        parts: [
          { text: "A commit is a saved snapshot of your project, with a message saying why." },
        ],
      },
      finishReason: "STOP",
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 15, totalTokenCount: 22 },
};

function interaction(body: object, reply: object, extra: object = {}) {
  const request = normaliseRequest(MODEL, body as never);
  return { key: requestKey(request), request, ...extra, ...reply };
}

function cassetteWith(...interactions: object[]): string {
  const path = cassettePath();
  writeCassette(path, { interactions } as Cassette);
  return path;
}

async function call(url: string, body: object, stream = false) {
  return fetch(
    `${url}/v1beta/models/${MODEL}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "client-key" },
      body: JSON.stringify(body),
    },
  );
}

describe("request normalisation", () => {
  const key = (body: object) => requestKey(normaliseRequest(MODEL, body as never));
  const withCall = (id: string, signature?: string) => ({
    systemInstruction: { role: "system", parts: [{ text: "You teach Git.\r\n" }] },
    contents: [
      { role: "user", parts: [{ text: "Start" }] },
      {
        role: "model",
        parts: [
          { functionCall: { id, name: "start_checkpoint", args: {} }, thoughtSignature: signature },
        ],
      },
      {
        role: "user",
        parts: [{ functionResponse: { id, name: "start_checkpoint", response: { result: "ok" } } }],
      },
    ],
    tools: [{ functionDeclarations: [{ name: "b" }, { name: "a" }] }],
    generationConfig: { temperature: 0.2 },
  });

  it("ignores tool-call ids, thought signatures, line endings and generation settings", () => {
    const first = withCall("3f0c5a62-7d1e-4c7a-9a55-0d5f7c1b2e10", "c2lnbmF0dXJl");
    const second = {
      ...withCall("call_98765"),
      systemInstruction: { parts: [{ text: "You teach Git." }] },
      tools: [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }],
      generationConfig: { temperature: 0.9 },
    };
    expect(key(first)).toBe(key(second));
  });

  it("treats a reply streamed as several text parts like the same reply in one part", () => {
    const whole = { contents: [{ role: "model", parts: [{ text: "Hello there" }] }] };
    const split = { contents: [{ role: "model", parts: [{ text: "Hello " }, { text: "there" }] }] };
    expect(key(whole)).toBe(key(split));
  });

  it("replaces ids and timestamps in text", () => {
    const at = (id: string, time: string) => ({
      contents: [{ role: "user", parts: [{ text: `mission ${id} saved at ${time}` }] }],
    });
    expect(
      normaliseRequest(
        MODEL,
        at("0d5f7c1b-2e10-4c7a-9a55-3f0c5a627d1e", "2025-01-02T03:04:05.678Z"),
      ).contents[0],
    ).toEqual({ role: "user", parts: [{ text: "mission <id> saved at <time>" }] });
    expect(key(at("0d5f7c1b-2e10-4c7a-9a55-3f0c5a627d1e", "2025-01-02T03:04:05Z"))).toBe(
      key(at("11111111-2222-4333-8444-555555555555", "2026-11-22T10:00:00+01:00")),
    );
  });

  it("tells apart different contents, tools and models", () => {
    const base = key(ASK);
    expect(key({ contents: [{ role: "user", parts: [{ text: "What is a branch?" }] }] })).not.toBe(
      base,
    );
    expect(key({ ...ASK, tools: [{ googleSearch: {} }] })).not.toBe(base);
    expect(requestKey(normaliseRequest("gemini-2.5-pro", ASK as never))).not.toBe(base);
  });
});

describe("replay server", () => {
  it("answers generateContent with the recorded JSON", async () => {
    replay = await startGeminiReplay({
      cassette: cassetteWith(interaction(ASK, { response: ANSWER })),
    });
    const res = await call(replay.url, ASK);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ANSWER);
    expect(replay.served).toMatchObject([{ source: "cassette", stream: false }]);
  });

  it("answers streamGenerateContent with the same recording as several SSE chunks", async () => {
    replay = await startGeminiReplay({
      cassette: cassetteWith(interaction(ASK, { response: ANSWER })),
    });
    const res = await call(replay.url, ASK, true);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const body = await res.text();
    const events = body.split("\r\n\r\n").filter(Boolean);
    expect(events.length).toBeGreaterThan(2);
    const chunks = events.map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      return JSON.parse(event.slice(6)) as typeof ANSWER;
    });
    const text = chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join("");
    expect(text).toBe(ANSWER.candidates[0]!.content.parts[0]!.text);
    expect(chunks.slice(0, -1).every((c) => !c.candidates[0]!.finishReason)).toBe(true);
    expect(chunks.slice(0, -1).every((c) => !c.usageMetadata)).toBe(true);
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe("STOP");
    expect(chunks.at(-1)!.usageMetadata).toEqual(ANSWER.usageMetadata);
  });

  it("answers a request it has no recording for with a 404 naming the closest one", async () => {
    const recorded = interaction(ASK, { response: ANSWER });
    replay = await startGeminiReplay({ cassette: cassetteWith(recorded) });
    const other = { contents: [{ role: "user", parts: [{ text: "What is a branch?" }] }] };
    const res = await call(replay.url, other);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { status: string; message: string } };
    expect(body.error.status).toBe("NOT_FOUND");
    expect(body.error.message).toContain(`closest recorded request is ${recorded.key}`);
    expect(body.error.message).toContain("contents[0].parts[0].text");
    expect(replay.misses).toEqual([
      {
        key: requestKey(normaliseRequest(MODEL, other as never)),
        model: MODEL,
        contents: 1,
        last_text: "What is a branch?",
        closest: {
          key: recorded.key,
          differs_at: "contents[0].parts[0].text",
          recorded: "What is a commit?",
          requested: "What is a branch?",
        },
      },
    ]);
  });

  it("serves interactions with the same request in order, then repeats the last", async () => {
    const failing = interaction(ASK, {
      error: {
        status: 503,
        body: { error: { code: 503, status: "UNAVAILABLE", message: "busy" } },
      },
    });
    const slow = interaction(ASK, { response: ANSWER, delay_ms: 300 });
    const broken = interaction(ASK, { raw: '{"candidates": [' });
    replay = await startGeminiReplay({ cassette: cassetteWith(failing, slow, broken) });
    expect((await call(replay.url, ASK)).status).toBe(503);
    const started = Date.now();
    expect(await (await call(replay.url, ASK)).json()).toEqual(ANSWER);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await (await call(replay.url, ASK)).text()).toBe('{"candidates": [');
    expect(await (await call(replay.url, ASK, true)).text()).toBe('data: {"candidates": [\r\n\r\n');
  });

  it("matches the real client's requests although its tool-call ids change on every call", async () => {
    const echo = tool(async () => "ok", {
      name: "echo",
      description: "Echo",
      schema: z.object({ word: z.string() }),
    });
    const history = () => {
      const id = crypto.randomUUID();
      return [
        new HumanMessage("Say hi"),
        new AIMessage({ content: "", tool_calls: [{ id, name: "echo", args: { word: "hi" } }] }),
        new ToolMessage({ tool_call_id: id, name: "echo", content: "hi" }),
      ];
    };
    const body = {
      contents: [
        { role: "user", parts: [{ text: "Say hi" }] },
        { role: "model", parts: [{ functionCall: { name: "echo", args: { word: "hi" } } }] },
        {
          role: "user",
          parts: [{ functionResponse: { name: "echo", response: { result: "hi" } } }],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: "echo",
              description: "Echo",
              parameters: {
                type: "object",
                properties: { word: { type: "string" } },
                required: ["word"],
              },
            },
          ],
        },
      ],
    };
    replay = await startGeminiReplay({
      cassette: cassetteWith(interaction(body, { response: ANSWER })),
    });
    const model = new GeminiChatModel({
      model: MODEL,
      apiKey: "replay",
      baseUrl: replay.url,
      maxRetries: 0,
      timeoutMs: 5000,
    }).bindTools([echo]);
    const first = await model.invoke(history());
    const second = await model.invoke(history());
    expect(first.text).toBe(ANSWER.candidates[0]!.content.parts[0]!.text);
    expect(second.text).toBe(first.text);
    expect(replay.misses).toEqual([]);
  });

  it("refuses a cassette whose key does not match its request, and a missing one", () => {
    const path = cassetteWith({
      ...interaction(ASK, { response: ANSWER }),
      key: "0000000000000000",
    });
    expect(() => readCassette(path)).toThrow(CassetteError);
    expect(() => readCassette(path)).toThrow(/says key 0000000000000000 but its request hashes to/);
    expect(() => readCassette(join(dir, "absent.json"))).toThrow(/No cassette at/);
  });
});

interface UpstreamCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for Gemini itself: answers JSON or SSE, or fails when told to. */
async function startUpstream() {
  const calls: UpstreamCall[] = [];
  const state = { failWith: 0 };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      calls.push({ path: req.url ?? "", headers: req.headers, body });
      if (state.failWith) {
        res.writeHead(state.failWith, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: { code: state.failWith, message: "quota" } }));
      }
      if (req.url?.includes("alt=sse")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const [first, second] = ["A commit is ", "a saved snapshot."];
        res.write(
          `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: first }] }, index: 0 }] })}\r\n\r\n`,
        );
        return res.end(
          `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: second }] }, finishReason: "STOP", index: 0 }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 } })}\r\n\r\n`,
        );
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(ANSWER));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    state,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("record mode", () => {
  it("forwards to the upstream with its own key, writes a cassette, and that cassette replays", async () => {
    const upstream = await startUpstream();
    const path = cassettePath();
    const branch = { contents: [{ role: "user", parts: [{ text: "What is a branch?" }] }] };
    replay = await startGeminiReplay({
      cassette: path,
      mode: "record",
      upstream: { baseUrl: upstream.url, apiKey: "upstream-secret" },
    });
    expect(await (await call(replay.url, ASK)).json()).toEqual(ANSWER);
    const streamed = await (await call(replay.url, branch, true)).text();
    expect(streamed).toContain("a saved snapshot.");
    upstream.state.failWith = 429;
    const limited = await call(replay.url, {
      contents: [{ role: "user", parts: [{ text: "x" }] }],
    });
    expect(limited.status).toBe(429);
    await replay.stop();
    replay = undefined;
    await upstream.stop();

    expect(upstream.calls.map((c) => c.path)).toEqual([
      `/v1beta/models/${MODEL}:generateContent`,
      `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`,
      `/v1beta/models/${MODEL}:generateContent`,
    ]);
    expect(upstream.calls.every((c) => c.headers["x-goog-api-key"] === "upstream-secret")).toBe(
      true,
    );
    const file = readFileSync(path, "utf8");
    expect(file).not.toContain("upstream-secret");
    expect(file).not.toContain("client-key");
    const cassette = readCassette(path);
    // The 429 was passed on, not recorded; the stream was recorded as one merged response.
    expect(cassette.interactions).toHaveLength(2);
    expect(cassette.interactions[1]!.response).toEqual({
      candidates: [
        {
          content: { role: "model", parts: [{ text: "A commit is a saved snapshot." }] },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 },
    });

    replay = await startGeminiReplay({ cassette: path });
    const replayed = parseSse(await (await call(replay.url, ASK, true)).text());
    expect(replayed.map((c) => c.candidates?.[0]?.content?.parts[0]?.text).join("")).toBe(
      ANSWER.candidates[0]!.content.parts[0]!.text,
    );
    expect(await (await call(replay.url, branch)).json()).toEqual(
      cassette.interactions[1]!.response,
    );
    expect(replay.misses).toEqual([]);
  });

  it("keeps pinned interactions, serves them without the upstream, and re-records the rest", async () => {
    const upstream = await startUpstream();
    const refusal = {
      candidates: [{ finishReason: "SAFETY", index: 0 }],
      usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
    };
    const path = cassetteWith(
      interaction(ASK, { response: refusal }, { pinned: true }),
      interaction(
        { contents: [{ role: "user", parts: [{ text: "stale" }] }] },
        { response: ANSWER },
      ),
    );
    replay = await startGeminiReplay({
      cassette: path,
      mode: "record",
      upstream: { baseUrl: upstream.url, apiKey: "k" },
    });
    expect(await (await call(replay.url, ASK)).json()).toEqual(refusal);
    expect(upstream.calls).toHaveLength(0);
    // Once the pinned answer is used, the same request goes to the upstream.
    expect(await (await call(replay.url, ASK)).json()).toEqual(ANSWER);
    expect(upstream.calls).toHaveLength(1);
    await replay.stop();
    replay = undefined;
    await upstream.stop();
    const written = readCassette(path).interactions;
    expect(written.map((i) => [i.pinned ?? false, i.response])).toEqual([
      [true, refusal],
      [false, ANSWER],
    ]);
  });
});
