import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ForkResult } from "../../evals/fork/fork-data.js";
import { PROMPTS_DIR } from "../../graphs/prompts.js";
import { startGenericGemini, type GenericGemini } from "../support/generic-gemini.js";
import { ALLY_ON_GEMINI, allyConversation, signature, signing } from "../support/signing-gemini.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// A fork with an edited prompt, on a Gemini stand-in that knows only each request and follows one
// instruction it may find in the system prompt: "Sign every reply with: …". The scripted tutor
// never reads its prompts, so only a model that does can show what an edit changes.

const SENSEI_PROMPT = "ally/mission_sensei.md";

let gemini: GenericGemini;
let server: TestServer;
let token: string;
let thread: string;

beforeAll(async () => {
  gemini = await startGenericGemini({ policy: signing });
  server = await startTestServer({
    env: { GOOGLE_API_KEY: "generic-key", GEMINI_BASE_URL: gemini.url, GEMINI_MAX_RETRIES: "0" },
  });
  const login = await server.login("ada@example.com", "Ada");
  token = login.token;
  ({ thread } = await allyConversation(server, token, login.uid));
}, 40_000);

afterAll(async () => {
  await server.stop();
  await gemini.stop();
});

async function fork(body: Record<string, unknown>): Promise<ForkResult> {
  const res = await fetch(`${server.http}/graphs/fork`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ thread, turn: 1, model: "gemini", ...body }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ForkResult;
}

const replies = (result: ForkResult, side: "original" | "fork") =>
  result.turns.flatMap((t) => t[side]?.replies ?? []);

describe("forking with an edited prompt", () => {
  it("replays the same continuation on the same prompts", async () => {
    const result = await fork({});
    expect(result.settings.prompts_changed).toEqual([]);
    expect(result.turns).toHaveLength(ALLY_ON_GEMINI.length - 1);
    expect(replies(result, "fork")).toEqual(replies(result, "original"));
    expect(result.turns.every((t) => !t.differs.replies && !t.differs.path)).toBe(true);
  }, 30_000);

  it("shows the edited mission_sensei prompt in the sensei's replies only", async () => {
    const shipped = readFileSync(join(PROMPTS_DIR, SENSEI_PROMPT), "utf8");
    const result = await fork({
      prompts: { [SENSEI_PROMPT]: `${shipped}${signature("Sensei Kai")}` },
    });
    expect(result.settings.prompts_changed).toEqual([SENSEI_PROMPT]);
    expect(replies(result, "original").join("\n")).not.toContain("Sensei Kai");
    const signed = result.turns.filter((t) =>
      t.fork?.replies.some((r) => r.includes("Sensei Kai")),
    );
    expect(signed.length).toBeGreaterThan(0);
    for (const turn of signed) {
      expect(turn.differs.replies).toBe(true);
      expect(turn.fork?.path.some((node) => node.startsWith("mission_sensei:"))).toBe(true);
    }
    // Only the words changed: the same nodes ran and the same tools were called, unmarked.
    for (const turn of result.turns) {
      expect([turn.turn, turn.differs.path, turn.differs.tools]).toEqual([turn.turn, false, false]);
    }
  }, 30_000);
});
