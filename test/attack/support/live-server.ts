import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  startServerProcess,
  untilOutput,
  type ServerProcess,
} from "../../support/server-process.js";
import { TestSocket } from "../../support/ws-client.js";

export interface LiveServer {
  proc: ServerProcess;
  http: string;
  ws: string;
  login(email: string): Promise<string>;
  createSession(token: string): Promise<string>;
  /** A Commander socket signed in with `token`, once it has said `connected`. */
  commander(token: string, sessionId?: string): Promise<TestSocket>;
  /** How long `GET /health` takes to answer, in ms. */
  healthMs(): Promise<number>;
  /** The server process's resident memory, in KiB. */
  rssKb(): number;
  /** Its resident memory once its garbage is collected (started with `collectable`), in KiB. */
  collectedRssKb(): Promise<number>;
  /** Its log lines so far. */
  log(): string;
  stop(): Promise<void>;
}

/** What the server writes once a collection asked for with SIGUSR2 is done. */
const COLLECTED = '{"msg":"garbage collected"}';
const COLLECT_ON_SIGNAL = fileURLToPath(new URL("./collect-on-signal.ts", import.meta.url));

/** Options that let `collectedRssKb` ask the server for a full garbage collection. */
export const collectable = {
  NODE_OPTIONS: `--expose-gc --import tsx --import ${COLLECT_ON_SIGNAL}`,
};

/** The server as `npm start` runs it, in a process of its own, on SQLite in memory. */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const proc = await startServerProcess({ SQLITE_PATH: ":memory:", LOG_LEVEL: "info", ...env });
  const http = `http://127.0.0.1:${proc.port}`;
  const ws = `ws://127.0.0.1:${proc.port}`;
  const server: LiveServer = {
    proc,
    http,
    ws,
    async login(email) {
      const res = await fetch(`${http}/api/v1/auth/dev-login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email }),
      });
      if (res.status !== 200) throw new Error(`dev-login failed: ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    },
    async createSession(token) {
      const res = await fetch(`${http}/api/v1/sessions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      if (res.status !== 201) throw new Error(`create session failed: ${res.status}`);
      return ((await res.json()) as { session_id: string }).session_id;
    },
    async commander(token, sessionId) {
      const id = sessionId ?? (await server.createSession(token));
      const socket = new TestSocket(
        `${ws}/api/v1/mission-commander/ws?session_id=${id}&token=${token}`,
      );
      await socket.waitFor("connected");
      return socket;
    },
    async healthMs() {
      const started = performance.now();
      const res = await fetch(`${http}/health`);
      await res.text();
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      return performance.now() - started;
    },
    rssKb() {
      const status = readFileSync(`/proc/${proc.child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    },
    async collectedRssKb() {
      const collections = () => proc.output.join("").split(COLLECTED).length - 1;
      const before = collections();
      proc.child.kill("SIGUSR2");
      await untilOutput(proc, () => collections() > before);
      return server.rssKb();
    },
    log: () => proc.output.join(""),
    async stop() {
      if (proc.child.exitCode === null) {
        proc.child.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
  return server;
}

/** Sends `content` and resolves with the first frame that answers it, timing the round trip. */
export async function timedTurn(socket: TestSocket, content: string) {
  const from = socket.frames.length;
  const started = performance.now();
  socket.send({ type: "user_message", content });
  const frames = await socket.waitForFrames(from + 1, 30_000);
  return { frame: frames[from]!, ms: performance.now() - started };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
