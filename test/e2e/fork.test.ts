import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allyThreadId, commanderThreadId, enrollmentId } from "../../domain/index.js";
import type { ForkResult } from "../../evals/fork/fork-data.js";
import { runSuite } from "../../evals/runner/run-suite.js";
import { allyClient, commanderClient } from "../support/learner-clients.js";
import { learnerData } from "../support/learner-data.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Forking a stored conversation through `POST /graphs/fork`, on the scripted tutor: who may, what
// comes back, and that the learner's own data is left exactly as it was.

const ALLY_MESSAGES = [
  "Hi!",
  "Yes, that sounds great!",
  "It keeps the steps in order.",
  "I would try it on a small example.",
  "I feel confident about it.",
  "Yes, let's go",
];

let server: TestServer;
let token: string;
let ids: { uid: string; sessionId: string; missionId: string };
const allyThread = () => allyThreadId(enrollmentId(ids.uid, ids.missionId));
const commanderThread = () => commanderThreadId(ids.sessionId);

beforeAll(async () => {
  server = await startTestServer();
  const login = await server.login("grace@example.com", "Grace");
  token = login.token;
  const commander = commanderClient(server.http, token);
  for (const content of SEED_INTERVIEW) await commander.ask(content);
  const ally = allyClient(server.http, token, commander.mission!.id);
  for (const message of ALLY_MESSAGES) await ally.ask(message);
  ally.close();
  ids = { uid: login.uid, sessionId: commander.sessionId!, missionId: commander.mission!.id };
}, 30_000);

afterAll(() => server.stop());

function fork(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.http}/graphs/fork`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("forking a conversation over HTTP", () => {
  it("replays an Ally conversation after turn 3 in a scratch thread, beside the original", async () => {
    const before = await learnerData(server.store, ids);
    const res = await fork({ thread: allyThread(), turn: 3 });
    expect(res.status).toBe(200);
    const result = (await res.json()) as ForkResult;
    expect(result.at_turn).toBe(3);
    expect(result.scratch_thread).toMatch(/^ally:/);
    expect(result.scratch_thread).not.toBe(allyThread());
    expect(result.errors).toEqual([]);
    // The learner's later messages, replayed in order.
    expect(result.turns.map((t) => [t.turn, t.learner])).toEqual(
      ALLY_MESSAGES.slice(3).map((text, i) => [i + 4, text]),
    );
    // The same deterministic tutor on the same prompts, from the copied state: the same
    // continuation, checkpoint completion included, and nothing marked as different.
    for (const turn of result.turns) {
      expect(turn.fork).toEqual({ ...turn.original, state: turn.fork?.state });
      expect(turn.differs).toEqual({ replies: false, path: false, tools: false, state: false });
    }
    const completing = result.turns.find((t) =>
      t.fork?.tools.some((call) => call.startsWith("mark_checkpoint_complete(")),
    );
    expect(completing?.turn).toBe(5);
    expect(completing?.fork?.state?.completed_checkpoints).toHaveLength(1);
    expect(await learnerData(server.store, ids)).toBe(before);
  });

  it("forks a Commander interview, and its eval case loads and passes on the runner", async () => {
    const before = await learnerData(server.store, ids);
    const res = await fork({ thread: commanderThread(), turn: 2 });
    expect(res.status).toBe(200);
    const result = (await res.json()) as ForkResult;
    expect(result.turns.map((t) => t.learner)).toEqual(SEED_INTERVIEW.slice(2));
    expect(result.turns.at(-1)?.fork?.state?.phase).toBe("created");
    expect(result.turns.at(-1)?.fork?.tools.join(" ")).toMatch(
      /create_mission|confirm_learning_goal/,
    );
    // The eval case holds the whole conversation: the copied turns, then the replayed ones.
    const evalCase = result.eval_case as { id: string; turns: { user: string }[] };
    expect(evalCase.turns.map((t) => t.user)).toEqual(SEED_INTERVIEW);
    const dir = mkdtempSync(join(tmpdir(), "fork-case-"));
    try {
      const suite = join(dir, "forks.jsonl");
      writeFileSync(suite, `${JSON.stringify(evalCase)}\n`);
      const run = await runSuite({ suite, model: "scripted", env: { GOOGLE_API_KEY: "" } });
      expect(run.cases.map((c) => [c.id, c.status])).toEqual([[evalCase.id, "pass"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await learnerData(server.store, ids)).toBe(before);
  }, 30_000);
});

describe("who may fork", () => {
  it("refuses without a sign-in, and another learner's conversation", async () => {
    const anonymous = await fetch(`${server.http}/graphs/fork`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ thread: allyThread(), turn: 1 }),
    });
    expect(anonymous.status).toBe(401);
    const other = await server.login("mallory@example.com", "Mallory");
    for (const thread of [allyThread(), commanderThread()]) {
      const res = await fork({ thread, turn: 1 }, { Authorization: `Bearer ${other.token}` });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/another user/);
    }
  });

  it("refuses a cookie POST that another site could have sent", async () => {
    const cookie = { Cookie: `session=${token}`, Authorization: "" };
    const noOrigin = await fork({ thread: allyThread(), turn: 1 }, cookie);
    expect(noOrigin.status).toBe(403);
    const foreign = await fork(
      { thread: allyThread(), turn: 1 },
      { ...cookie, Origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const form = await fork(
      { thread: allyThread(), turn: 1 },
      { ...cookie, Origin: server.http, "Content-Type": "text/plain" },
    );
    expect(form.status).toBe(415);
    const own = await fork(
      { thread: allyThread(), turn: ALLY_MESSAGES.length - 1 },
      { ...cookie, Origin: server.http },
    );
    expect(own.status).toBe(200);
  }, 20_000);

  it("answers a bad request with a clear error", async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ thread: allyThread(), turn: ALLY_MESSAGES.length }, 400, /fork it at turn 1 to 5/],
      [{ thread: allyThread(), turn: 0 }, 422, /turn/],
      [{ thread: allyThread(), turn: 1, model: "gpt" }, 422, /model/],
      [{ thread: "elsewhere:1", turn: 1 }, 400, /commander:<session id>/],
      [{ thread: allyThread(), turn: 1, temperature: 0.5 }, 400, /no temperature/],
      [{ thread: allyThread(), turn: 1, prompts_dir: "/nowhere" }, 400, /not a folder/],
      [{ thread: allyThread(), turn: 1, prompts: { "../../etc/passwd": "x" } }, 400, /no prompt/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await fork(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    }
  });
});
