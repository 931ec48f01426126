import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFork } from "../../evals/fork/fork.js";
import type { ModelFactory } from "../../graphs/index.js";
import { buildServer, loadConfig, type Config, type RunningServer } from "../../server/index.js";
import { createLogger } from "../../server/log.js";
import type { Store } from "../../store/index.js";
import { testStoreEnv } from "./test-store.js";

export interface TestServer {
  port: number;
  http: string;
  ws: string;
  config: Config;
  store: Store;
  logLines: string[];
  /** Resolves once `count` log lines match `pattern` (checked on every line written), or fails after `timeoutMs`. */
  untilLogged(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  server: RunningServer;
  login(email: string, name?: string): Promise<{ token: string; uid: string }>;
  createSession(token: string): Promise<{ session_id: string; user_id: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the real server on a free loopback port, assembled as `main.ts` assembles it, with the
 * scripted models unless `env` or `models` say otherwise, on the test project's store: an
 * in-memory SQLite store, or in the `firestore` project a fresh database on the emulator.
 */
export async function startTestServer(
  options: { env?: Record<string, string>; models?: ModelFactory } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "learnforge-test-"));
  const testStore = await testStoreEnv();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SQLITE_PATH: ":memory:",
    LOG_LEVEL: "debug",
    ...testStore.env,
    ...options.env,
  });
  const logLines: string[] = [];
  const onLine = new Set<() => void>();
  const log = createLogger("debug", (line) => {
    logLines.push(line);
    for (const check of [...onLine]) check();
  });
  const server = await buildServer(config, {
    log,
    fork: runFork,
    ...(options.models && { models: options.models }),
  });
  const http = `http://127.0.0.1:${server.port}`;
  return {
    port: server.port,
    http,
    ws: `ws://127.0.0.1:${server.port}`,
    config,
    store: server.store,
    logLines,
    untilLogged(pattern, count = 1, timeoutMs = 10_000) {
      const logged = () => logLines.filter((line) => pattern.test(line)).length >= count;
      if (logged()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!logged()) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`fewer than ${count} log lines match ${pattern}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          onLine.delete(check);
        };
        onLine.add(check);
      });
    },
    server,
    async login(email, name) {
      const res = await fetch(`${http}/api/v1/auth/dev-login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, name }),
      });
      if (res.status !== 200) throw new Error(`dev-login failed: ${res.status}`);
      return (await res.json()) as { token: string; uid: string };
    },
    async createSession(token) {
      const res = await fetch(`${http}/api/v1/sessions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      if (res.status !== 201) throw new Error(`create session failed: ${res.status}`);
      return (await res.json()) as { session_id: string; user_id: string };
    },
    async stop() {
      await server.shutdown();
      await testStore.drop();
    },
  };
}
