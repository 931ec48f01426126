import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readCassette, writeCassette, type Cassette, type Interaction } from "./cassette.js";
import {
  GenerateContentRequest,
  GenerateContentResponse,
  googleError,
  parseModelPath,
} from "./gemini-wire.js";
import { readBody, sendJson } from "./http.js";
import { describeMiss, type Miss } from "./miss.js";
import { normaliseRequest, requestKey, type NormalisedRequest } from "./normalise.js";
import { encodeSse, mergeChunks, parseSse, streamChunks } from "./stream.js";

export interface Upstream {
  /** e.g. https://generativelanguage.googleapis.com */
  baseUrl: string;
  apiKey: string;
}

export interface GeminiReplayOptions {
  /** The cassette file: read in replay mode, rewritten by record mode when it stops. */
  cassette: string;
  /**
   * `replay` answers from the cassette only. `record` serves pinned interactions, forwards every
   * other request to `upstream`, and keeps what it answers.
   */
  mode?: "replay" | "record";
  upstream?: Upstream;
  port?: number;
  log?: (line: string) => void;
}

export interface Served {
  key: string;
  request: NormalisedRequest;
  stream: boolean;
  source: "cassette" | "upstream" | "miss";
}

export interface GeminiReplay {
  /** The value for `GEMINI_BASE_URL`. */
  url: string;
  /** Requests no recording matched, with the closest recorded one. */
  readonly misses: Miss[];
  readonly served: Served[];
  /** Stops listening; in record mode, writes the cassette. */
  stop(): Promise<void>;
}

function sendResponse(res: ServerResponse, stream: boolean, response: GenerateContentResponse) {
  if (!stream) return sendJson(res, 200, response);
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end(encodeSse(streamChunks(response)));
}

function sendInteraction(res: ServerResponse, stream: boolean, interaction: Interaction) {
  if (interaction.error) return sendJson(res, interaction.error.status, interaction.error.body);
  if (interaction.raw !== undefined) {
    res.writeHead(200, {
      "content-type": stream ? "text/event-stream" : "application/json; charset=utf-8",
    });
    return res.end(stream ? `data: ${interaction.raw}\r\n\r\n` : interaction.raw);
  }
  sendResponse(res, stream, interaction.response ?? {});
}

/**
 * A Gemini API stand-in on 127.0.0.1 that answers `generateContent` and
 * `streamGenerateContent?alt=sse` from a cassette, matching on the normalised request. A request
 * with no recording gets a 404 naming the closest recorded request, and is listed in `misses`.
 */
export async function startGeminiReplay(options: GeminiReplayOptions): Promise<GeminiReplay> {
  const mode = options.mode ?? "replay";
  if (mode === "record" && !options.upstream) throw new Error("record mode needs an upstream");
  const log = options.log ?? (() => undefined);
  const loaded = readCassette(options.cassette, { allowMissing: mode === "record" });
  // Record mode starts afresh, keeping only what was written by hand.
  const interactions: Interaction[] =
    mode === "record" ? loaded.interactions.filter((i) => i.pinned) : loaded.interactions;
  const used = new Set<Interaction>();
  const misses: Miss[] = [];
  const served: Served[] = [];

  /** The next unused interaction for a key; once all are used, the last one again. */
  function lookup(key: string): Interaction | undefined {
    const matching = interactions.filter((i) => i.key === key && (mode === "replay" || i.pinned));
    const next = matching.find((i) => !used.has(i));
    if (next) used.add(next);
    return next ?? (mode === "replay" ? matching.at(-1) : undefined);
  }

  async function record(
    res: ServerResponse,
    target: { version: string; model: string; stream: boolean },
    body: string,
    key: string,
    request: NormalisedRequest,
  ) {
    const upstream = options.upstream!;
    const url = `${upstream.baseUrl.replace(/\/$/, "")}/${target.version}/models/${encodeURIComponent(target.model)}:${target.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
    const reply = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": upstream.apiKey },
      body,
    });
    const text = await reply.text();
    if (!reply.ok) {
      // Upstream errors (quota, outages) are passed on but never recorded.
      log(`upstream answered ${reply.status} for ${key}; not recorded`);
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" });
      return res.end(text);
    }
    const response = target.stream
      ? mergeChunks(parseSse(text))
      : GenerateContentResponse.parse(JSON.parse(text));
    interactions.push({ key, request, response });
    log(`recorded ${key} (${request.model}, ${request.contents.length} contents)`);
    if (target.stream) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      return res.end(text);
    }
    sendJson(res, 200, response);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const target = req.method === "POST" ? parseModelPath(url.pathname) : null;
    if (!target) {
      return sendJson(
        res,
        404,
        googleError(404, "NOT_FOUND", `No Gemini method at ${url.pathname}`),
      );
    }
    const stream = target.method === "streamGenerateContent";
    let body: GenerateContentRequest;
    const text = await readBody(req);
    try {
      body = GenerateContentRequest.parse(JSON.parse(text));
    } catch {
      return sendJson(res, 400, googleError(400, "INVALID_ARGUMENT", "Invalid request body"));
    }
    const request = normaliseRequest(target.model, body);
    const key = requestKey(request);
    const interaction = lookup(key);
    if (interaction) {
      served.push({ key, request, stream, source: "cassette" });
      log(`replayed ${key}${interaction.pinned ? " (pinned)" : ""}`);
      if (interaction.delay_ms) await new Promise((r) => setTimeout(r, interaction.delay_ms));
      if (!res.destroyed) sendInteraction(res, stream, interaction);
      return;
    }
    if (mode === "record") {
      served.push({ key, request, stream, source: "upstream" });
      return record(res, { ...target, stream }, text, key, request);
    }
    const miss = describeMiss(key, request, interactions);
    misses.push(miss);
    served.push({ key, request, stream, source: "miss" });
    log(`missed ${key}`);
    const where = miss.closest
      ? `; closest recorded request is ${miss.closest.key}, which differs at ${miss.closest.differs_at}`
      : "; the cassette is empty";
    sendJson(
      res,
      404,
      googleError(404, "NOT_FOUND", `No recorded Gemini response for request ${key}${where}`, [
        { "@type": "learnforge.gemini-replay.Miss", ...miss },
      ]),
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`failed: ${(err as Error).message}`);
      if (!res.headersSent) {
        sendJson(res, 502, googleError(502, "BAD_GATEWAY", (err as Error).message));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    misses,
    served,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (mode !== "record") return;
      const cassette: Cassette = { ...loaded, interactions };
      writeCassette(options.cassette, cassette);
      const unused = interactions.filter((i) => i.pinned && !used.has(i));
      for (const i of unused) log(`pinned interaction ${i.key} was never requested`);
    },
  };
}
