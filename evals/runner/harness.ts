import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGraphs, type AllyGraph, type CommanderGraph } from "../../graphs/index.js";
import type { LocalTokenVerifier } from "../../server/auth/index.js";
import { buildServer, createLogger, loadConfig } from "../../server/index.js";
import type { Store } from "../../store/index.js";

export interface HarnessOptions {
  /** Model settings (`GOOGLE_API_KEY`, `GEMINI_BASE_URL`, …); none means the scripted model. */
  env: Record<string, string>;
  /** Another copy of `prompts/` for the agents. */
  promptsDir?: string;
}

/** The real server on a free loopback port, with an in-memory SQLite store and local sign-in. */
export interface Harness {
  /** `ws://127.0.0.1:<port>` */
  ws: string;
  store: Store;
  issuer: LocalTokenVerifier;
  /** The same graphs on the same checkpointer, for reading threads after a conversation. */
  graphs: { commander: CommanderGraph; ally: AllyGraph };
  /** Warnings and errors the server logged, as JSON lines. */
  problems: string[];
  stop(): Promise<void>;
}

/** Builds the server the way `server/main.ts` does, from configuration it is given. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "learnforge-eval-"));
  try {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      SQLITE_PATH: ":memory:",
      STORE: "sqlite",
      AUTH: "local",
      LOG_LEVEL: "warn",
      // The runner plays the learner in the server's own process, so the event loop's delay
      // measures the run as much as the server: a loaded machine must not turn replies into "busy".
      BUSY_EVENT_LOOP_DELAY_MS: "0",
      ...(options.promptsDir ? { PROMPTS_DIR: options.promptsDir } : {}),
      ...options.env,
    });
    const problems: string[] = [];
    const log = createLogger("warn", (line) => problems.push(line));
    const server = await buildServer(config, { log });
    const { localIssuer, models, store } = server;
    if (!localIssuer) {
      await server.shutdown();
      throw new Error("the eval harness needs local sign-in");
    }
    return {
      ws: `ws://127.0.0.1:${server.port}`,
      store,
      issuer: localIssuer,
      graphs: buildGraphs(models, store),
      problems,
      async stop() {
        try {
          await server.shutdown();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
