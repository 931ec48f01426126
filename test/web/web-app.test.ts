import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { GIT_MISSION } from "../support/missions.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import {
  agentTexts,
  axeViolations,
  learnerReply,
  progressValue,
  say,
  signInLocally,
} from "./app-page.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Console errors other than the 401 the page gets when it checks a signed-out session. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 401/.test(e));

/** The page's full width: wider than the viewport means sideways scrolling. */
const pageWidth = (page: Page) => page.$eval("html", (html) => html.scrollWidth);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `web-app-${name}.png`), fullPage: true });

/** Every request the pages made went to the test server. */
function expectOnlyLocal(requests: string[]) {
  for (const url of requests) expect(new URL(url).origin).toBe(server.http);
}

async function enrollByApi(email: string, name: string) {
  const { token } = await server.login(email, name);
  const res = await fetch(`${server.http}/api/v1/missions/enrollment`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(GIT_MISSION),
  });
  const { mission } = (await res.json()) as { mission: { id: string } };
  await browser.context.clearCookies();
  await browser.context.addCookies([{ name: "session", value: token, url: server.http }]);
  return mission.id;
}

describe("the learner's web app in Chromium", () => {
  it("signs a new learner in, plans a mission with Polaris and completes it with Lumina", async () => {
    await browser.context.clearCookies();
    const { page, errors } = await browser.newPage();
    const firstRequest = browser.requests.length;
    await signInLocally(page, server.http, "ada@example.com", "Ada");
    await page.waitForSelector("text=You have no missions yet");
    await shot(page, "1-dashboard-empty");

    await page.getByRole("link", { name: "Start a new mission" }).click();
    await page.waitForURL(/#\/interview\//);
    await page.waitForSelector(".connection[data-state=open]");
    for (const text of SEED_INTERVIEW.slice(0, -1)) await say(page, text);
    const questions = await agentTexts(page);
    expect(questions).toHaveLength(4);
    expect(questions[0]).toMatch(/^Hi Ada! I'm Polaris/);
    await shot(page, "2-interview");
    await say(page, SEED_INTERVIEW.at(-1)!);
    const card = page.locator(".mission-created");
    await card.waitFor();
    expect(await card.locator("h2").textContent()).toMatch(/Python for data analysis/);
    const checkpoints = await card.locator(".checkpoints li").allTextContents();
    expect(checkpoints.length).toBeGreaterThanOrEqual(4);
    expect(await page.locator(".composer").isHidden()).toBe(true);
    expect(await page.locator(".mission-created h2:focus").count()).toBe(1);
    await page.waitForSelector(".connection[data-state=finished]");
    await shot(page, "3-mission-created");

    await card.getByRole("link", { name: "Start mission" }).click();
    await page.waitForSelector(".connection[data-state=open]");
    expect(await progressValue(page)).toBe("0");
    expect(await page.locator(".checkpoints li").allTextContents()).toEqual(checkpoints);
    await say(page, "Hello, I'm ready to start learning!");
    const seen: string[] = [];
    for (let turn = 0; turn < 60 && !(await page.locator(".complete").count()); turn++) {
      const texts = await agentTexts(page);
      await say(page, learnerReply(texts.at(-1)!));
      const progress = await progressValue(page);
      if (seen.at(-1) !== progress) seen.push(progress!);
      if (seen.length === 2 && turn < 20) await shot(page, "4-lesson");
    }
    const total = checkpoints.length;
    expect(seen).toEqual(
      Array.from({ length: total + 1 }, (_, i) => String(Math.round((i / total) * 100))),
    );
    expect(await page.locator(".note", { hasText: "mission_sensei has joined" }).count()).toBe(
      total,
    );
    expect(await page.locator(".checkpoints li.done").count()).toBe(total);
    await page.waitForSelector(".complete h2:focus");
    expect(await page.locator(".complete").textContent()).toMatch(/Congratulations/);
    // Markdown from the tutor is rendered, not shown as asterisks and hashes.
    expect(await page.locator(".message.from-agent strong").count()).toBeGreaterThan(0);
    expect(await page.locator(".message.from-agent h3").count()).toBeGreaterThan(0);
    expect(await page.locator(".message.from-agent .body", { hasText: "**" }).count()).toBe(0);
    await shot(page, "5-mission-complete");

    await page.getByRole("link", { name: "Back to your missions" }).click();
    const mission = page.locator(".mission-card");
    await mission.waitFor();
    expect(await mission.locator(".progress").getAttribute("aria-valuenow")).toBe("100");
    expect(await mission.locator(".meta").textContent()).toBe("Completed");
    await shot(page, "6-dashboard-complete");
    expectOnlyLocal(browser.requests.slice(firstRequest));
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  }, 120_000);

  it("streams the reply into place and shows hostile text as text", async () => {
    await browser.context.clearCookies();
    const { page, errors } = await browser.newPage();
    await signInLocally(page, server.http, "mallory@example.com", "Mallory");
    await page.getByRole("link", { name: "Start a new mission" }).click();
    await page.waitForSelector(".connection[data-state=open]");
    const hostile = `I want to learn <img src=x onerror="window.__xss=1"> [click](javascript:window.__xss=2) **bold**`;
    // Watch the first reply grow: the page renders deltas before the whole message arrives. The
    // typing indicator shows who is answering while the turn runs.
    const growth = page.evaluate(`new Promise((resolve) => {
      const lengths = new Set();
      const typing = new Set();
      const observer = new MutationObserver(() => {
        const indicator = document.querySelector('.typing');
        if (indicator && !indicator.hidden) typing.add(indicator.textContent);
        const streaming = document.querySelector('.message[data-status="streaming"] .body');
        if (streaming) lengths.add(streaming.textContent.length);
        if (document.querySelector('.message.from-agent[data-status="complete"]')) {
          observer.disconnect();
          resolve({ lengths: lengths.size, typing: [...typing] });
        }
      });
      observer.observe(document.body, {
        subtree: true, childList: true, characterData: true, attributes: true,
      });
    })`) as Promise<{ lengths: number; typing: string[] }>;
    await say(page, hostile);
    const seen = await growth;
    expect(seen.lengths).toBeGreaterThan(2);
    expect(seen.typing).toEqual(["Polaris is typing…"]);
    // The turn is over: the indicator is gone.
    await page.locator(".typing").waitFor({ state: "hidden" });
    expect(await page.locator(".typing").textContent()).toBe("");
    expect(await page.locator(".message.from-user .body").textContent()).toBe(hostile);
    expect(await page.locator(".messages img").count()).toBe(0);
    expect(await page.locator('.messages a[href^="javascript"]').count()).toBe(0);
    await page.locator("#message").fill("x");
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("shows the older of two tabs that the conversation moved, and lets it take it back", async () => {
    const missionId = await enrollByApi("grace@example.com", "Grace");
    const { page: older, errors } = await browser.newPage();
    const olderSockets: string[] = [];
    older.on("websocket", (socket) => olderSockets.push(socket.url()));
    await older.goto(`${server.http}/#/mission/${missionId}`);
    await older.waitForSelector(".connection[data-state=open]");
    await say(older, "Hello!");
    const { page: newer } = await browser.newPage();
    await newer.goto(`${server.http}/#/mission/${missionId}`);
    await newer.waitForSelector(".connection[data-state=open]");
    expect(await agentTexts(newer)).toEqual(await agentTexts(older));

    const status = older.locator(".connection[data-state=closed]");
    await status.waitFor();
    expect(await status.textContent()).toMatch(/open in another tab/);
    // The client decides whether to retry as the close arrives: "closed" means it never will.
    expect(olderSockets).toHaveLength(1);
    expect(await newer.locator(".connection").getAttribute("data-state")).toBe("open");
    await shot(older, "7-taken-over");

    await status.getByRole("button", { name: "Use it here" }).click();
    await older.waitForSelector(".connection[data-state=open]");
    await newer.waitForSelector(".connection[data-state=closed]");
    await say(older, "Yes, that sounds great!");
    expect(unexpected(errors)).toEqual([]);
    await older.close();
    await newer.close();
  });

  it("fits a 360 px wide phone screen", async () => {
    const missionId = await enrollByApi("lin@example.com", "Lin");
    const { page, errors } = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.http}/#/mission/${missionId}`);
    await page.waitForSelector(".connection[data-state=open]");
    await say(page, "Hello!");
    await say(page, "Yes, that sounds great!");
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    for (const selector of ["#message", ".composer button", ".mission-side .progress"]) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
    }
    await shot(page, "8-phone");
    await page.goto(`${server.http}/#/`);
    await page.waitForSelector(".mission-card");
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    await shot(page, "9-phone-dashboard");
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("has no serious accessibility violations (axe-core) and works by keyboard", async () => {
    await browser.context.clearCookies();
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.http}/`);
    await page.waitForSelector("#email");
    const serious = (violations: Awaited<ReturnType<typeof axeViolations>>) =>
      violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious(await axeViolations(page))).toEqual([]);

    // Keyboard only: the page starts in the email field; Tab, type, Enter to sign in and to send.
    expect(await page.locator("#email:focus").count()).toBe(1);
    await page.keyboard.type("kay@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Kay");
    await page.keyboard.press("Enter");
    await page.waitForSelector("text=Start a new mission");
    expect(serious(await axeViolations(page))).toEqual([]);

    const missionId = await enrollByApi("kay@example.com", "Kay");
    await page.goto(`${server.http}/#/mission/${missionId}`);
    await page.waitForSelector(".connection[data-state=open]");
    expect(await page.locator("#message:focus").count()).toBe(1);
    const answered = () =>
      page
        .locator('.message.from-user:not([data-status="delivered"])')
        .first()
        .waitFor({ state: "detached" });
    await page.keyboard.type("Hello!");
    await page.keyboard.press("Enter");
    await answered();
    await page.keyboard.type("Yes, that sounds great!");
    await page.keyboard.press("Enter");
    await answered();
    await page.waitForSelector("text=mission_sensei has joined");
    // New replies are read out through the live region.
    expect(await page.locator("#announcer").textContent()).toMatch(/Sensei:/);
    expect(serious(await axeViolations(page))).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });
});
