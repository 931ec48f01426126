import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createModelFactory, type ModelFactory } from "../../graphs/index.js";
import { LocalTokenVerifier, loadOrCreateSecret } from "../../server/auth/index.js";
import { loadConfig, startServer, type Config, type RunningServer } from "../../server/index.js";
import { createLogger } from "../../server/log.js";
import { openSqliteStore, type Store } from "../../store/index.js";

export interface TestServer {
  port: number;
  http: string;
  ws: string;
  store: Store;
  logLines: string[];
  server: RunningServer;
  login(email: string, name?: string): Promise<{ token: string; uid: string }>;
  createSession(token: string): Promise<{ session_id: string; user_id: string }>;
  stop(): Promise<void>;
}

/** Starts the real server on a free loopback port with an in-memory store and the scripted models. */
export async function startTestServer(
  options: { env?: Record<string, string>; models?: ModelFactory } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "learnforge-test-"));
  const config: Config = loadConfig({
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "debug",
    ...options.env,
  });
  const logLines: string[] = [];
  const log = createLogger("debug", (line) => logLines.push(line));
  const store = openSqliteStore({ path: ":memory:" });
  const issuer = new LocalTokenVerifier(loadOrCreateSecret(dataDir), config.localTokenTtlSeconds);
  const models = options.models ?? createModelFactory(config.models);
  const server = await startServer({
    config,
    store,
    verifier: issuer,
    localIssuer: issuer,
    models,
    log,
  });
  const http = `http://127.0.0.1:${server.port}`;
  return {
    port: server.port,
    http,
    ws: `ws://127.0.0.1:${server.port}`,
    store,
    logLines,
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
    stop: () => server.shutdown(),
  };
}
