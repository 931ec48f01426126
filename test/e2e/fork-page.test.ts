import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSuite } from "../../evals/runner/run-suite.js";
import { PROMPTS_DIR } from "../../graphs/prompts.js";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { startGenericGemini, type GenericGemini } from "../support/generic-gemini.js";
import { learnerData } from "../support/learner-data.js";
import { allyConversation, signature, signing } from "../support/signing-gemini.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// A prompt engineer forks a real conversation from its graph page in Chromium: after turn 1, with
// mission_sensei's prompt edited in the page, on a Gemini stand-in that follows its prompt; then
// saves the fork as an eval case, which the eval runner plays.

declare function getComputedStyle(element: unknown): { backgroundColor: string };

const SENSEI_PROMPT = "ally/mission_sensei.md";
const EDITED = `${readFileSync(join(PROMPTS_DIR, SENSEI_PROMPT), "utf8")}${signature("Sensei Kai")}`;
const DIFFERS = "rgb(255, 247, 237)";

let gemini: GenericGemini;
let server: TestServer;
let browser: Browser;
let ids: { uid: string; sessionId: string; missionId: string };
let thread: string;
const work = mkdtempSync(join(tmpdir(), "fork-page-"));

beforeAll(async () => {
  gemini = await startGenericGemini({ policy: signing });
  server = await startTestServer({
    env: { GOOGLE_API_KEY: "generic-key", GEMINI_BASE_URL: gemini.url, GEMINI_MAX_RETRIES: "0" },
  });
  const { token, uid } = await server.login("ada@example.com", "Ada");
  const held = await allyConversation(server, token, uid);
  thread = held.thread;
  ids = { uid, sessionId: held.sessionId, missionId: held.missionId };
  browser = await launchChromium();
  await browser.context.addCookies([
    { name: "session", value: token, domain: "127.0.0.1", path: "/" },
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await gemini?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("forking from the graph page", () => {
  it("replays with an edited prompt, shows both continuations marked, and saves an eval case the runner plays", async () => {
    const before = await learnerData(server.store, ids);
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.http}/graphs/mission_ally?thread=${encodeURIComponent(thread)}`);
    await page.waitForSelector("body[data-rendered=ok]", { timeout: 20_000 });
    // Every turn but the last can be forked.
    expect(await page.$$eval(".turn .fork-button", (b) => b.length)).toBe(3);

    await page.click("#turn-1 .fork-button");
    await page.waitForSelector("#fork form");
    expect(await page.textContent("#fork h2")).toBe("Fork after turn 1");
    expect(await page.textContent("#fork h2 + p")).toMatch(
      /^Turn 1 is copied into a scratch thread/,
    );
    await page.selectOption('#fork select[name="model"]', "gemini");
    await page.selectOption('#fork select[name="prompt"]', SENSEI_PROMPT);
    expect(await page.inputValue('#fork textarea[name="prompt_text"]')).toBe(
      readFileSync(join(PROMPTS_DIR, SENSEI_PROMPT), "utf8"),
    );
    await page.fill('#fork textarea[name="prompt_text"]', EDITED);
    await page.click('#fork button[type="submit"]');
    await page.waitForSelector("#fork .fork-turn", { timeout: 30_000 });

    expect(await page.textContent("#fork .fork-summary")).toMatch(
      /^Forked after turn 1 on gemini, prompts changed: ally\/mission_sensei\.md\. [1-3] of 3 replayed turns differ\.$/,
    );
    const rows = await page.$$eval("#fork .fork-turn", (tables) =>
      tables.map((table) => {
        const part = (name: string) => table.querySelector(`tr[data-part="${name}"]`)!;
        const replies = part("replies");
        return {
          turn: table.getAttribute("data-turn"),
          mark: replies.querySelector(".mark")!.textContent,
          original: replies.children[1]!.textContent,
          fork: replies.children[2]!.textContent,
          background: getComputedStyle(replies.children[2]).backgroundColor,
          path: part("path").className,
        };
      }),
    );
    expect(rows.map((r) => r.turn)).toEqual(["2", "3", "4"]);
    const signed = rows.filter((r) => r.fork?.includes("Sensei Kai"));
    expect(signed.length).toBeGreaterThan(0);
    for (const row of signed) {
      expect(row.original).not.toContain("Sensei Kai");
      expect(row.mark).toBe(" ≠ differs");
      expect(row.background).toBe(DIFFERS);
    }
    // The same nodes ran: the paths are shown as the same, unhighlighted.
    expect(rows.map((r) => r.path)).toEqual(["same", "same", "same"]);

    await page.locator("#fork").screenshot({ path: join(ARTIFACTS, "fork-page.png") });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fork .save-case a"),
    ]);
    const suite = join(work, download.suggestedFilename());
    await download.saveAs(suite);
    const saved = JSON.parse(readFileSync(suite, "utf8")) as { id: string; agent: string };
    expect(saved.agent).toBe("ally");
    expect(errors).toEqual([]);
    expect(await learnerData(server.store, ids)).toBe(before);

    // The saved case runs on the eval runner, with the edited prompt and the same model.
    const prompts = join(work, "prompts");
    cpSync(PROMPTS_DIR, prompts, { recursive: true });
    writeFileSync(join(prompts, SENSEI_PROMPT), EDITED);
    const results = await runSuite({
      suite,
      model: "gemini",
      promptsDir: prompts,
      env: { GOOGLE_API_KEY: "generic-key", GEMINI_BASE_URL: gemini.url, GEMINI_MAX_RETRIES: "0" },
    });
    const [played] = results.cases;
    expect([played?.id, played?.error]).toEqual([saved.id, undefined]);
    // What the fork did is what the case expects. (The stand-in's Lumina never words a briefing,
    // so the pedagogy invariants are not its to pass.)
    const checks = Object.fromEntries(played!.checks.map((c) => [c.name, c.status]));
    expect(checks).toMatchObject({
      trajectory: "pass",
      state: "pass",
      protocol: "pass",
      forbidden: "pass",
    });
  }, 90_000);
});
