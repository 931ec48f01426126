import { join } from "node:path";
import { authEmulatorAccounts } from "../support/auth-emulator.js";
import { ARTIFACTS, launchChromium, type Browser } from "../support/chromium.js";
import { authEmulator } from "../support/emulators.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import {
  expectOnlyOrigins,
  startFirebaseServer,
  unexpectedErrors,
} from "../support/firebase-server.js";
import type { TestServer } from "../support/test-server.js";
import { agentTexts, say } from "./app-page.js";

let server: TestServer;
let browser: Browser;
let authOrigin: string;
let email: string;

beforeAll(async () => {
  const emulators = await authEmulator();
  authOrigin = `http://${emulators.authHost}`;
  email = authEmulatorAccounts(emulators).uniqueEmail("web");
  server = await startFirebaseServer(emulators);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the web app with Firebase sign-in, on the Auth emulator", () => {
  it("creates an account, talks to Polaris on the session cookie, signs out and back in", async () => {
    const { page, errors } = await browser.newPage();
    const firstRequest = browser.requests.length;
    const csp = (await page.goto(`${server.http}/`))!.headers()["content-security-policy"];
    expect(csp).toContain(`connect-src 'self' ${authOrigin}`);
    await page.locator("#email").fill(email);
    await page.locator("#name").fill("Hedy");
    await page.locator("#password").fill("correct-horse-battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForSelector("text=Welcome, Hedy");
    await page.screenshot({ path: join(ARTIFACTS, "web-app-firebase-signed-in.png") });
    const cookies = await browser.context.cookies(server.http);
    expect(cookies.find((c) => c.name === "session")).toMatchObject({ httpOnly: true });

    await page.getByRole("link", { name: "Start a new mission" }).click();
    await page.waitForSelector(".connection[data-state=open]");
    await say(page, SEED_INTERVIEW[0]!);
    expect((await agentTexts(page))[0]).toMatch(/^Hi Hedy! I'm Polaris/);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForSelector("#password");
    await page.reload();
    await page.waitForSelector("#password");

    await page.locator("#email").fill(email);
    await page.locator("#password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForSelector(".problem:text('Wrong email or password.')");
    await page.locator("#password").fill("correct-horse-battery");
    await page.locator("#password").press("Enter");
    await page.waitForSelector("text=Welcome, Hedy");
    await page.waitForSelector("text=Continue your interview");

    // The page talked to this server and to Firebase Auth, and to nothing else.
    expectOnlyOrigins(browser.requests.slice(firstRequest), [server.http, authOrigin]);
    expect(unexpectedErrors(errors)).toEqual([]);
  });
});
