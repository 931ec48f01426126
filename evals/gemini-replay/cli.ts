import { parseArgs } from "node:util";
import { startScriptedGemini } from "./scripted-gemini.js";
import { startGeminiReplay, type Upstream } from "./server.js";

const GEMINI_API = "https://generativelanguage.googleapis.com";

const USAGE = `Usage: npm run gemini:replay -- --cassette <file> [--port <n>] [--record [--upstream <url>|scripted]]

Serves the Gemini API on 127.0.0.1 from a cassette; point the server at it with
GEMINI_BASE_URL=<printed url> and any GOOGLE_API_KEY.
--record forwards requests it has no pinned answer for to Gemini (GOOGLE_API_KEY is needed) or to
--upstream, and writes the cassette on Ctrl-C. --upstream scripted answers with the offline tutor.`;

async function upstreamFor(
  value: string | undefined,
): Promise<{ upstream: Upstream; stop?: () => Promise<void> }> {
  if (value === "scripted") {
    const scripted = await startScriptedGemini();
    return { upstream: { baseUrl: scripted.url, apiKey: "scripted" }, stop: scripted.stop };
  }
  const apiKey = process.env.GOOGLE_API_KEY?.trim();
  if (!apiKey) throw new Error("--record needs GOOGLE_API_KEY (or --upstream scripted)");
  return { upstream: { baseUrl: value ?? GEMINI_API, apiKey } };
}

async function main() {
  const { values } = parseArgs({
    options: {
      cassette: { type: "string" },
      port: { type: "string" },
      record: { type: "boolean", default: false },
      upstream: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.cassette) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const recording = values.record ? await upstreamFor(values.upstream) : undefined;
  const replay = await startGeminiReplay({
    cassette: values.cassette,
    mode: recording ? "record" : "replay",
    upstream: recording?.upstream,
    port: values.port ? Number(values.port) : 0,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`GEMINI_BASE_URL=${replay.url}\n`);
  const stop = async () => {
    await replay.stop();
    await recording?.stop?.();
    if (replay.misses.length > 0) process.stderr.write(`${replay.misses.length} requests missed\n`);
    process.exit(replay.misses.length > 0 ? 1 : 0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
