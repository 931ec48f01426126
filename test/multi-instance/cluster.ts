import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commanderThreadId, type TranscriptEntry } from "../../domain/index.js";
import { openStore } from "../../server/compose.js";
import { loadConfig } from "../../server/config.js";
import type { Store } from "../../store/index.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

/** The server as `npm start` runs it, with every model call slowed, so that turns overlap. */
const SLOW_SERVER = { args: ["--import", "tsx", "test/soak/slow-server.ts"] };
/** Short, so that an expiry is seen within a test. */
export const LEASE_TTL_MS = 2_000;

/** Several server processes on one store, and the store itself, opened by the test to read it. */
export class Cluster {
  readonly instances: ServerProcess[] = [];
  private readonly dirs: string[] = [];

  private constructor(
    private readonly env: Record<string, string>,
    readonly store: Store,
  ) {}

  /** `storeEnv` points every instance at the same store; the instances share the token secret. */
  static async start(count: number, storeEnv: Record<string, string>): Promise<Cluster> {
    const env = {
      ...storeEnv,
      LOCAL_AUTH_SECRET: "a shared local signing secret for every test instance",
      CONVERSATION_LEASE_TTL_MS: String(LEASE_TTL_MS),
      MODEL_DELAY_MS: "50-200",
      // One learner talks a lot here, on a machine that may be busy with other tests: the
      // admission limits, tested on their own, stay out of the way.
      TURNS_PER_MINUTE: "0",
      BUSY_EVENT_LOOP_DELAY_MS: "0",
    };
    const cluster = new Cluster(env, await openStore(loadConfig({ ...env, DATA_DIR: tmpdir() })));
    await Promise.all(Array.from({ length: count }, () => cluster.add()));
    return cluster;
  }

  /** Starts one more instance; `extra` adds to its environment. */
  async add(extra: Record<string, string> = {}): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), "learnforge-instance-"));
    this.dirs.push(dir);
    const instance = await startServerProcess(
      { ...this.env, DATA_DIR: dir, ...extra },
      SLOW_SERVER,
    );
    this.instances.push(instance);
    return instance;
  }

  /** Stops (SIGKILL) whatever still runs, and closes the test's store. */
  async stop(): Promise<void> {
    await Promise.all(
      this.instances.map(async (instance) => {
        if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
        instance.child.kill("SIGKILL");
        await instance.exited;
      }),
    );
    await this.store.close();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function signIn(instance: { port: number }, email: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${instance.port}/api/v1/auth/dev-login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, name: "Ada" }),
  });
  return ((await response.json()) as { token: string }).token;
}

export async function newSession(instance: { port: number }, token: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${instance.port}/api/v1/sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { session_id: string }).session_id;
}

export const commanderPath = (token: string, session: string, query = "") =>
  `/api/v1/mission-commander/ws?session_id=${session}&token=${token}${query}`;

export const commanderUrl = (port: number, token: string, session: string, query = "") =>
  `ws://127.0.0.1:${port}${commanderPath(token, session, query)}`;

export const transcriptOf = (store: Store, session: string) =>
  store.transcripts.list(commanderThreadId(session));

/** The agent replies a socket was shown. */
export const shownReplies = (socket: TestSocket) =>
  socket.frames.filter(
    (f): f is Frame & { id: string; content: string } => f.type === "agent_message",
  );

/**
 * What the learner must find in the conversation's transcript: every reply any socket was shown,
 * once, after the message that socket sent; no entry twice; and each turn's entries together, its
 * learner message first.
 */
export function transcriptProblems(
  entries: TranscriptEntry[],
  sockets: { socket: TestSocket; sent: string[] }[],
): string[] {
  const problems: string[] = [];
  const ids = entries.map((e) => e.id);
  if (new Set(ids).size !== ids.length) problems.push(`duplicated ids: ${ids.join(",")}`);
  const learnerTexts = entries.filter((e) => e.role === "learner").map((e) => e.text);
  if (new Set(learnerTexts).size !== learnerTexts.length)
    problems.push(`a learner message twice: ${learnerTexts.join(" | ")}`);
  const seen = new Set<string>();
  let previous: string | undefined;
  for (const entry of entries) {
    if (entry.turn_id !== previous && seen.has(entry.turn_id))
      problems.push(`turn ${entry.turn_id} interleaved with another`);
    if (entry.turn_id !== previous && entry.role !== "learner")
      problems.push(`turn ${entry.turn_id} does not start with the learner's message`);
    seen.add(entry.turn_id);
    previous = entry.turn_id;
  }
  for (const { socket, sent } of sockets) {
    for (const reply of shownReplies(socket)) {
      const at = entries.findIndex((e) => e.id === reply.id);
      if (at < 0) {
        problems.push(`lost a reply the learner saw: ${reply.content}`);
        continue;
      }
      if (entries[at]!.text !== reply.content) problems.push(`reply ${reply.id} stored otherwise`);
      const learner = entries.find(
        (e) => e.turn_id === entries[at]!.turn_id && e.role === "learner",
      );
      if (!learner || !sent.includes(learner.text))
        problems.push(`reply ${reply.id} follows a message its socket never sent`);
    }
  }
  return problems;
}

/** Resolves once the socket was shown a reply or an error, or closed. */
export const answeredOrClosed = (socket: TestSocket, from = 0) =>
  socket.waitUntil(
    () =>
      socket.closeCode !== undefined ||
      socket.frames.slice(from).some((f) => f.type === "agent_message" || f.type === "error"),
    30_000,
  );
