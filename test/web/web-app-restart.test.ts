import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { GIT_MISSION } from "../support/missions.js";
import { startServerProcess, untilOutput, type ServerProcess } from "../support/server-process.js";
import { fixedFreePort } from "../client/node-socket.js";
import { agentTexts, say } from "./app-page.js";

let proc: ServerProcess | undefined;
let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  proc?.child.kill("SIGKILL");
});

describe("the web app across a server restart", () => {
  it("resumes the lesson by itself when the server comes back on the same port and file", async () => {
    // The server as `npm start` runs it; its SQLite file and signing secret live in DATA_DIR.
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "learnforge-web-restart-")),
      PORT: String(await fixedFreePort()),
    };
    proc = await startServerProcess(env);
    const origin = `http://127.0.0.1:${proc.port}`;
    // The start-up log says where to point a browser (on the line after "listening").
    await untilOutput(proc, (output) => output.includes(`"msg":"open ${origin}"`));
    const login = await fetch(`${origin}/api/v1/auth/dev-login`, {
      method: "POST",
      body: JSON.stringify({ email: "ada@example.com", name: "Ada" }),
    });
    const { token } = (await login.json()) as { token: string };
    const enrolled = await fetch(`${origin}/api/v1/missions/enrollment`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(GIT_MISSION),
    });
    const { mission } = (await enrolled.json()) as { mission: { id: string } };

    browser = await launchChromium();
    await browser.context.addCookies([{ name: "session", value: token, url: origin }]);
    const { page, errors } = await browser.newPage();
    await page.goto(`${origin}/#/mission/${mission.id}`);
    await page.waitForSelector(".connection[data-state=open]");
    await say(page, "Hello, I'm ready to start learning!");
    await say(page, "Yes, that sounds great!");
    const before = await agentTexts(page);
    expect(before.at(-1)).toMatch(/Concept 1/);

    // The server dies in the middle of the lesson; the learner keeps typing.
    proc.child.kill("SIGKILL");
    await proc.exited;
    await page.waitForSelector(".connection[data-state=reconnecting]");
    expect(await page.locator(".connection").textContent()).toMatch(/Reconnecting/);
    const answer = "I think it means breaking the idea into smaller parts.";
    await page.locator("#message").fill(answer);
    await page.locator("#message").press("Enter");
    await page.locator('.message.from-user[data-status="queued"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "web-app-restart-offline.png"), fullPage: true });

    proc = await startServerProcess(env);
    await page.waitForSelector(".connection[data-state=open]", { timeout: 20_000 });
    await page
      .locator('.message.from-user:not([data-status="delivered"])')
      .first()
      .waitFor({ state: "detached", timeout: 15_000 });
    const after = await agentTexts(page);
    // The history the server sent back replaced nothing and duplicated nothing.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatch(/Concept 2/);
    expect(await page.locator(".message.from-user .body").allTextContents()).toEqual([
      "Hello, I'm ready to start learning!",
      "Yes, that sounds great!",
      answer,
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "web-app-restart-resumed.png"), fullPage: true });
    // Only the failed connection attempts while the server was down may have been logged.
    expect(errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  }, 90_000);
});
