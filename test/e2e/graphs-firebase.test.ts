import { join } from "node:path";
import { commanderThreadId } from "../../domain/index.js";
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
import { TestSocket } from "../support/ws-client.js";

let server: TestServer;
let browser: Browser;
let authOrigin: string;
let email: string;
let sessionId: string;
let idToken: string;

beforeAll(async () => {
  const emulators = await authEmulator();
  authOrigin = `http://${emulators.authHost}`;
  const accounts = authEmulatorAccounts(emulators);
  email = accounts.uniqueEmail("graphs");
  server = await startFirebaseServer(emulators);
  // A learner with an account holds an interview, as a client with an ID token does.
  ({ idToken } = await accounts.signUp({ email, displayName: "Hedy" }));
  const res = await fetch(`${server.http}/api/v1/sessions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${idToken}` },
  });
  sessionId = ((await res.json()) as { session_id: string }).session_id;
  const socket = new TestSocket(
    `${server.ws}/api/v1/mission-commander/ws?session_id=${sessionId}&token=${idToken}`,
  );
  await socket.waitFor("connected");
  for (const content of SEED_INTERVIEW.slice(0, 2)) {
    const from = socket.frames.length;
    socket.send({ type: "user_message", content });
    await socket.waitForFrames(from + 1);
  }
  socket.close();
  await socket.closed;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("graph pages with Firebase sign-in, on the Auth emulator", () => {
  it("asks for email and password, signs in with Firebase, and opens the page asked for", async () => {
    const { page, errors } = await browser.newPage();
    const first = browser.requests.length;
    const url = `${server.http}/graphs/mission_commander?session_id=${sessionId}`;
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(401);
    expect(answer!.headers()["content-security-policy"]).toContain(
      `connect-src 'self' ${authOrigin}`,
    );
    expect(await page.textContent("h1")).toBe("Sign in first");

    await page.fill('#sign-in input[name="email"]', email);
    await page.fill('#sign-in input[name="password"]', "not-the-password");
    await page.click('#sign-in button[type="submit"]');
    await page.waitForSelector("#sign-in output:text('Wrong email or password.')");

    await page.fill('#sign-in input[name="password"]', "correct-horse-battery");
    await page.click('#sign-in button[type="submit"]');
    await page.waitForSelector("body[data-rendered=ok]", { timeout: 20_000 });
    expect(page.url()).toBe(url);
    expect(await page.$$eval(".turn .learner", (ps) => ps.map((p) => p.textContent))).toEqual(
      SEED_INTERVIEW.slice(0, 2),
    );
    const cookies = await browser.context.cookies(server.http);
    expect(cookies.find((c) => c.name === "session")).toMatchObject({ httpOnly: true });

    // Signed in, the index lists the interview by what the learner opened with.
    await page.goto(`${server.http}/graphs`);
    expect(await page.textContent(".conversations a")).toBe(`Commander: “${SEED_INTERVIEW[0]}”`);
    await page.screenshot({ path: join(ARTIFACTS, "graphs-firebase-index.png"), fullPage: true });

    // The pages talked to this server and to Firebase Auth, and to nothing else.
    expectOnlyOrigins(browser.requests.slice(first), [server.http, authOrigin]);
    expect(unexpectedErrors(errors)).toEqual([]);
    await page.close();
  });

  it("forks the owner's interview, and takes no prompts folder on the server", async () => {
    const fork = (body: Record<string, unknown>) =>
      fetch(`${server.http}/graphs/fork`, {
        method: "POST",
        headers: { Authorization: `Bearer ${idToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ thread: commanderThreadId(sessionId), turn: 1, ...body }),
      });
    const forked = await fork({});
    const result = (await forked.json()) as { turns: { learner: string }[] };
    expect([forked.status, result.turns.map((t) => t.learner)]).toEqual([200, [SEED_INTERVIEW[1]]]);
    const folder = await fork({ prompts_dir: "/etc" });
    expect(folder.status).toBe(400);
    expect(((await folder.json()) as { detail: string }).detail).toMatch(
      /only be named with local sign-in/,
    );
  });
});
