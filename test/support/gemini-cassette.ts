import { fileURLToPath } from "node:url";
import {
  startGeminiReplay,
  startScriptedGemini,
  type GeminiReplay,
  type Miss,
} from "../../evals/gemini-replay/index.js";

const CASSETTES = fileURLToPath(new URL("../../evals/cassettes/", import.meta.url));

/** `GEMINI_CASSETTES=record` re-records the cassettes these tests use (`npm run cassettes:build`). */
const RECORDING = process.env.GEMINI_CASSETTES === "record";

export interface CassetteSession {
  replay: GeminiReplay;
  /** Server settings that put every agent on Gemini, served from the cassette. */
  env: Record<string, string>;
  /** Stops serving; fails if any request had no recording. */
  stop(): Promise<void>;
}

function describeMiss(miss: Miss): string {
  const closest = miss.closest
    ? `\n    closest ${miss.closest.key} differs at ${miss.closest.differs_at}:\n      recorded:  ${miss.closest.recorded}\n      requested: ${miss.closest.requested}`
    : "";
  return `  ${miss.key} (${miss.model}, ${miss.contents} contents, last "${miss.last_text}")${closest}`;
}

/**
 * Serves `evals/cassettes/<name>.json` as the Gemini API. When recording, requests without a
 * pinned answer go to `GEMINI_RECORD_UPSTREAM` with `GOOGLE_API_KEY`, or else to the scripted
 * Gemini stand-in.
 */
export async function useCassette(name: string): Promise<CassetteSession> {
  const cassette = `${CASSETTES}${name}.json`;
  const liveUpstream = process.env.GEMINI_RECORD_UPSTREAM;
  const scripted = RECORDING && !liveUpstream ? await startScriptedGemini() : undefined;
  const replay = await startGeminiReplay({
    cassette,
    mode: RECORDING ? "record" : "replay",
    upstream: scripted
      ? { baseUrl: scripted.url, apiKey: "scripted" }
      : liveUpstream
        ? { baseUrl: liveUpstream, apiKey: process.env.GOOGLE_API_KEY ?? "" }
        : undefined,
    log: RECORDING ? (line) => process.stderr.write(`[${name}] ${line}\n`) : undefined,
  });
  return {
    replay,
    env: {
      GOOGLE_API_KEY: "replay-key",
      GEMINI_BASE_URL: replay.url,
      GEMINI_MAX_RETRIES: "0",
      GEMINI_TIMEOUT_MS: "20000",
    },
    async stop() {
      await replay.stop();
      await scripted?.stop();
      if (replay.misses.length > 0) {
        throw new Error(
          `${replay.misses.length} Gemini requests had no recording in ${cassette}:\n${replay.misses.map(describeMiss).join("\n")}`,
        );
      }
    },
  };
}
